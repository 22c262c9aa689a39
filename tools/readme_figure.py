"""Draw the README's figure, chapter 1's signature plot, with mvcalc itself.

Usage: ``python tools/readme_figure.py`` (``make readme-figure``) writes
``book/_static/readme/error-vs-step.png``: the relative error of the forward
difference, the central difference and the complex step of
:math:`\\varphi(x) = e^x \\sin x` at :math:`x = 1` against the step :math:`h`,
as in chapter 1.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from mvcalc import plotting  # noqa: E402
from mvcalc.derivatives import EPS, finite_difference_error, optimal_step  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "book" / "_static" / "readme" / "error-vs-step.png"


def main() -> Path:
    phi = lambda x: np.exp(x) * np.sin(x)  # noqa: E731
    phi_prime = lambda x: np.exp(x) * (np.sin(x) + np.cos(x))  # noqa: E731
    x0 = 1.0
    hs = np.logspace(-15, -1, 141)
    methods = ("forward", "central", "complex")
    errors = {
        f"{m} difference" if m != "complex" else "complex step": finite_difference_error(
            phi, phi_prime, x0, hs, method=m
        ) / abs(phi_prime(x0))
        for m in methods
    }
    best = {"forward difference": optimal_step("forward", x0), "central difference": optimal_step("central", x0)}
    with plotting.book_style():
        fig, _ = plotting.plot_error_vs_step(hs, errors, optimal_steps=best, reference=EPS, floor=EPS / 8)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(OUT, dpi=100)
    return OUT


if __name__ == "__main__":
    print(f"wrote {main()}")
