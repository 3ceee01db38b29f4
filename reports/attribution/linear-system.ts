/**
 * Solves A·x = b by Gaussian elimination with partial pivoting. The Markov
 * model's systems have one row per channel plus the start (five here), so an
 * exact solve is cheaper and clearer than iterating the chain to convergence.
 * A singular system means a state that can never be absorbed, which a chain
 * built from finished paths cannot have: it throws rather than return noise.
 */
export function solveLinearSystem(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] {
  const size = rhs.length;
  if (matrix.length !== size || matrix.some((row) => row.length !== size)) {
    throw new RangeError(`a ${size}-row system needs a ${size} × ${size} matrix`);
  }
  // The augmented matrix [A | b], row-major in one array.
  const width = size + 1;
  const cells = matrix.flatMap((row, index) => [...row, rhs[index] ?? 0]);
  const at = (row: number, column: number): number => cells[row * width + column] ?? 0;
  const set = (row: number, column: number, value: number): void => {
    cells[row * width + column] = value;
  };
  for (let pivot = 0; pivot < size; pivot += 1) {
    let best = pivot;
    for (let row = pivot + 1; row < size; row += 1) {
      if (Math.abs(at(row, pivot)) > Math.abs(at(best, pivot))) best = row;
    }
    if (Math.abs(at(best, pivot)) < 1e-12) throw new RangeError('singular system: a state is never absorbed');
    for (let column = pivot; column < width; column += 1) {
      const held = at(pivot, column);
      set(pivot, column, at(best, column));
      set(best, column, held);
    }
    for (let row = pivot + 1; row < size; row += 1) {
      const factor = at(row, pivot) / at(pivot, pivot);
      for (let column = pivot; column < width; column += 1)
        set(row, column, at(row, column) - factor * at(pivot, column));
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = at(row, size);
    for (let column = row + 1; column < size; column += 1) sum -= at(row, column) * (solution[column] ?? 0);
    solution[row] = sum / at(row, row);
  }
  return solution;
}
