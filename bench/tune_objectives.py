"""Objectives of the tune benchmark, written the same way as bench/tune-objectives.ts."""
import math

SPACES = {
    "branin": {"x1": {"type": "float", "low": -5, "high": 10}, "x2": {"type": "float", "low": 0, "high": 15}},
    "hartmann6": {f"x{j}": {"type": "float", "low": 0, "high": 1} for j in range(6)},
}


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    a = x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6
    return a * a + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[v * 1e-4 for v in row] for row in [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]]


def hartmann6(p):
    f = 0.0
    for i in range(4):
        s = sum(A[i][j] * (p[f"x{j}"] - P[i][j]) ** 2 for j in range(6))
        f -= ALPHA[i] * math.exp(-s)
    return f


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6}
