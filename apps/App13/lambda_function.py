"""numpy loops: build small arrays element by element in nested loops and return a checksum."""
import numpy as np


def build(n, m, seed):
    a = np.zeros((n, m), dtype=np.float64)
    for i in range(n):
        for j in range(m):
            a[i, j] = ((i + 1) * (j + 2) + seed) % 17 / 7.0
    return a


def lambda_handler(event, context):
    n = int(event.get("n", 40))
    m = int(event.get("m", 30))
    seed = int(event.get("seed", 3))
    a = build(n, m, seed)
    b = build(m, n, seed + 1)
    c = a @ b
    total = 0.0
    for row in c:
        total += float(np.sum(row * row))
    result = {
        "shape": list(c.shape),
        "checksum": round(total, 6),
        "trace": round(float(np.trace(c)), 6),
        "numpy": np.__version__,
    }
    if event.get("selftest"):
        # Rare path: compare the loop result with the vectorised form using numpy's testing helpers.
        i = np.arange(n).reshape(-1, 1)
        j = np.arange(m).reshape(1, -1)
        vec = ((i + 1) * (j + 2) + seed) % 17 / 7.0
        np.testing.assert_allclose(a, vec)
        result["selftest"] = "passed"
    if event.get("spectrum"):
        result["spectrum"] = [round(float(x), 6) for x in np.abs(np.fft.rfft(c[0]))[:5]]
    return result
