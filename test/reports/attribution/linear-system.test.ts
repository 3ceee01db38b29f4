import { solveLinearSystem } from '../../../reports/attribution/linear-system';

describe('solveLinearSystem', () => {
  test('solves a system whose first pivot is 0 (rows must be swapped)', () => {
    // y = 2, x + y = 5  ⇒  x = 3, y = 2
    const [x, y] = solveLinearSystem(
      [
        [0, 1],
        [1, 1],
      ],
      [2, 5],
    );
    expect(x).toBeCloseTo(3, 12);
    expect(y).toBeCloseTo(2, 12);
  });

  test('solves a 3 × 3 system exactly', () => {
    // 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3  ⇒  (2, 3, −1)
    const solution = solveLinearSystem(
      [
        [2, 1, -1],
        [-3, -1, 2],
        [-2, 1, 2],
      ],
      [8, -11, -3],
    );
    [2, 3, -1].forEach((value, index) => {
      expect(solution[index]).toBeCloseTo(value, 12);
    });
  });

  test('a singular system throws instead of returning noise', () => {
    expect(() =>
      solveLinearSystem(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(/singular/);
  });

  test('a matrix of the wrong shape throws', () => {
    expect(() => solveLinearSystem([[1, 2]], [1])).toThrow(RangeError);
  });
});
