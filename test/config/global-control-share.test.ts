import { parseEnv } from '../../config/env';

describe('GLOBAL_CONTROL_SHARE', () => {
  test('holds nobody out unless set', () => {
    expect(parseEnv({}).GLOBAL_CONTROL_SHARE).toBe(0);
    expect(parseEnv({ GLOBAL_CONTROL_SHARE: '' }).GLOBAL_CONTROL_SHARE).toBe(0);
    expect(parseEnv({ GLOBAL_CONTROL_SHARE: '0.05' }).GLOBAL_CONTROL_SHARE).toBe(0.05);
  });

  test('a percentage written as a whole number is refused, not taken as "hold everyone out"', () => {
    expect(() => parseEnv({ GLOBAL_CONTROL_SHARE: '10' })).toThrow(
      /GLOBAL_CONTROL_SHARE: must be a fraction from 0 to 0\.5, e\.g\. 0\.05 for 5 %/,
    );
    expect(() => parseEnv({ GLOBAL_CONTROL_SHARE: '-0.1' })).toThrow(/GLOBAL_CONTROL_SHARE/);
    expect(() => parseEnv({ GLOBAL_CONTROL_SHARE: 'ten' })).toThrow(/GLOBAL_CONTROL_SHARE/);
  });
});
