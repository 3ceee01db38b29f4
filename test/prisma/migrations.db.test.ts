import { cpSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';
import { z } from 'zod';
import { schemaOf } from '../../prisma/database';
import { migrate, MIGRATIONS_DIR, MigrationError, readMigrations } from '../../prisma/migrate';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let pg: Client;

beforeAll(async () => {
  db = await openTestDatabase();
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  const schema = schemaOf(db.url);
  if (schema !== undefined) await pg.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
});

afterAll(async () => {
  await pg.end();
  await db.close();
});

// The DMMF as Prisma's own schema engine (compiled to WebAssembly) reads the schema.
const dmmfSchema = z.object({
  datamodel: z.object({
    models: z.array(
      z.object({
        name: z.string(),
        dbName: z.string().nullable(),
        primaryKey: z.object({ fields: z.array(z.string()) }).nullable(),
        uniqueFields: z.array(z.array(z.string())),
        fields: z.array(
          z.object({
            name: z.string(),
            dbName: z.string().optional(),
            kind: z.string(),
            type: z.string(),
            isRequired: z.boolean(),
            isList: z.boolean(),
            isId: z.boolean(),
            isUnique: z.boolean(),
            nativeType: z.tuple([z.string(), z.array(z.string())]).nullable(),
          }),
        ),
      }),
    ),
  }),
});

const datamodel = dmmfSchema.parse(
  JSON.parse(
    get_dmmf(
      JSON.stringify({
        prismaSchema: [
          ['schema.prisma', readFileSync(path.join(__dirname, '../../prisma/schema.prisma'), 'utf8')],
        ],
      }),
    ),
  ),
).datamodel;

type Field = (typeof datamodel.models)[number]['fields'][number];

function expectedSqlType(field: Field): string {
  const native = field.nativeType?.[0];
  if (native === 'Uuid') return 'uuid';
  if (native === 'Timestamptz') return 'timestamp with time zone';
  const byPrismaType: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    DateTime: 'timestamp without time zone',
    Json: 'jsonb',
    Float: 'double precision',
  };
  const base = byPrismaType[field.type] ?? `unmapped ${field.type}`;
  return field.isList ? `${base}[]` : base;
}

/** Prisma's own DDL creates scalar lists without NOT NULL. */
function expectedNullable(field: Field): boolean {
  return field.isList || !field.isRequired;
}

function elementType(udt: string): string {
  const names: Record<string, string> = { text: 'text', int4: 'integer', int8: 'bigint', bool: 'boolean' };
  return names[udt] ?? udt;
}

async function actualColumns(): Promise<Map<string, Map<string, { type: string; nullable: boolean }>>> {
  const { rows } = await pg.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
  }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  const tables = new Map<string, Map<string, { type: string; nullable: boolean }>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map<string, { type: string; nullable: boolean }>();
    // Arrays show as data_type ARRAY; their element type is the udt_name without its leading "_".
    const type = row.data_type === 'ARRAY' ? `${elementType(row.udt_name.slice(1))}[]` : row.data_type;
    columns.set(row.column_name, { type, nullable: row.is_nullable === 'YES' });
    tables.set(row.table_name, columns);
  }
  return tables;
}

describe('migrations agree with the Prisma datamodel', () => {
  test('same tables, same columns, same types and nullability', async () => {
    const tables = await actualColumns();
    const expected = new Map(
      datamodel.models.map((model) => [
        model.dbName ?? model.name,
        new Map(
          model.fields
            .filter((f) => f.kind === 'scalar')
            .map((f) => [f.dbName ?? f.name, { type: expectedSqlType(f), nullable: expectedNullable(f) }]),
        ),
      ]),
    );
    const asObject = (m: Map<string, Map<string, unknown>>) =>
      Object.fromEntries([...m].map(([table, cols]) => [table, Object.fromEntries(cols)]));
    expect(asObject(tables)).toEqual(asObject(expected));
  });

  test('every @id, @unique and @@unique is a unique index', async () => {
    const { rows } = await pg.query<{ tablename: string; indexdef: string }>(
      `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE 'CREATE UNIQUE%'`,
    );
    const actual = new Set(
      rows.map((r) => {
        const columns = /\((.*)\)/.exec(r.indexdef)?.[1] ?? '';
        return `${r.tablename}(${columns.replaceAll('"', '')})`;
      }),
    );
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      const column = (name: string) => {
        const field = model.fields.find((f) => f.name === name);
        return field?.dbName ?? name;
      };
      const expectedSets = [
        ...model.fields.filter((f) => f.isId || f.isUnique).map((f) => [f.name]),
        ...(model.primaryKey === null ? [] : [model.primaryKey.fields]),
        ...model.uniqueFields,
      ];
      for (const fields of expectedSets) {
        expect(actual).toContain(`${table}(${fields.map(column).join(', ')})`);
      }
    }
  });
});

describe('migration runner', () => {
  test('records each migration in _prisma_migrations with its checksum, and re-running applies nothing', async () => {
    const files = readMigrations();
    const { rows } = await pg.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(files.map((f) => [f.name, f.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await migrate(db.url)).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name) });
  });

  test('an applied migration that was edited afterwards is refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = readMigrations(dir)[0];
    if (first === undefined) throw new Error('no migrations');
    appendFileSync(path.join(dir, first.name, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(db.url, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db.url, dir)).rejects.toThrow(/append-only/);
  });
});
