"""mvcalc.datasets: the shipped NIST StRD files, their parser, and the log relative error.

Independent oracles: the table of the shipped README (counts, difficulty,
kind of data), the files' own internal consistency (the certified residual sum
of squares recomputed from the data, the model and the certified parameters),
and each model's equation as NIST prints it, translated by sympy and compared
with the hand-written numpy model.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvcalc.datasets import (
    LINEAR,
    NIST_NAMES,
    NONLINEAR,
    NistDataset,
    log_relative_error,
    nist,
    parse_nist,
)

DATA = resources.files("mvcalc").joinpath("data", "nist")

# sha256 of the files as copied from ../shared/data/nist-strd (byte for byte):
# the package must ship them unmodified.
SHA256 = {
    "BoxBOD.dat": "f65e7b0cc5b1c96d95b9884d1729d49c74edc60d2153474c01071269484b83ea",
    "Chwirut2.dat": "a325bce0241a4e0d059644b06558095fa06f0765943c559ae0f0b3aeeffe5ffb",
    "DanWood.dat": "df57252533d8e86489dbe0495b93f76a7c568cd2484442a12d12451721c207fe",
    "Eckerle4.dat": "007c2b0674e1b06e040045f7c68566a5e5e5537d8c18e51dfdbe20b308a3a16d",
    "Filip.dat": "1e8cb9a4644b1c6a8b1038eb46c59543814fa2a8d1ca31cb833040a75bf6a151",
    "Gauss1.dat": "72a03815fed557971f9036c7b60d31d6d1d0dacbe1590bd07425e4fae88d6101",
    "Hahn1.dat": "6c5dd6bab7d724111645738aa4b4cbd01dd8e6b95b9de83fb611b46c6d7955f4",
    "Kirby2.dat": "faba286e53f3e791712a14774e0903c01e2ed7a43723cfe0e8efc8b108d85702",
    "Lanczos3.dat": "f23b494670ef2c5e8f939cbe30c9e91dce15804d6b08ae2004deaf6a3fc237a3",
    "Longley.dat": "c58ef65a2699826d55f134ddef27d09b9fb6ab4499fdd49a408b4cd5a63dc890",
    "MGH09.dat": "7652a2f0128f47266fe65d9feeb852b9109d3e59346cf9240163db3fe4276975",
    "Misra1a.dat": "8679e2dd54906496437605a047f5de81677ab056bdc73cfa56374a230be72974",
    "NoInt1.dat": "4fc3255e9f2553e8961aafb23d0fa2b50899e898c43a29d486d80c4a28049913",
    "Norris.dat": "cc3fd14d1c5fa891d5653000c9d7732c30db842cca49fc051abde1c19d67ab7d",
    "Pontius.dat": "4a48abd813af0d8dc78f8a0762d353d34b73b2fffaa07e266b69fae7b2b0669d",
    "Rat43.dat": "6ae8d8ae1d3a5c449a2498cee6a24dd39fb62030966501414e3440fe620643fd",
    "Thurber.dat": "dcf20ab4ddd93676ec993bb785675d378d97ebdbae8f37b884e8e68d30949bbc",
    "Wampler1.dat": "6e86af8620ba02368f0c61ee4065bf00e63e828a1b4914979747195c41e7a976",
    "README.md": "679ddce14d6cce9e2ee852a0baa80cedfdf21457f6e8f695fddd4fe12fbb6271",
}


def raw(name: str) -> str:
    return DATA.joinpath(f"{name}.dat").read_bytes().decode("ascii")


def readme_table() -> dict[str, dict[str, str]]:
    """The table 'Files in this folder' of the shipped README, as an independent record."""
    text = DATA.joinpath("README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in NIST_NAMES:
            rows[cells[0]] = dict(zip(["file", "procedure", "difficulty", "obs", "params", "data"], cells))
    return rows


# --------------------------------------------------------------------------
# The shipped files
# --------------------------------------------------------------------------


def test_every_file_is_shipped_unmodified() -> None:
    shipped = sorted(p.name for p in DATA.iterdir() if p.name.endswith((".dat", ".md")))
    assert shipped == sorted(SHA256)
    for name, digest in SHA256.items():
        assert hashlib.sha256(DATA.joinpath(name).read_bytes()).hexdigest() == digest, name


def test_readme_lists_every_shipped_problem() -> None:
    assert set(readme_table()) == set(NIST_NAMES)
    assert len(NIST_NAMES) == len(set(NIST_NAMES)) == 18
    assert set(LINEAR) | set(NONLINEAR) == set(NIST_NAMES)


@pytest.mark.parametrize("name", NIST_NAMES)
def test_counts_match_the_readme(name: str) -> None:
    row = readme_table()[name]
    ds = nist(name)
    assert ds.name == name
    assert ds.n_obs == int(row["obs"]) == ds.x.shape[0] == ds.y.size
    assert ds.n_params == int(row["params"]) == len(ds.parameter_names) == ds.certified_stderr.size
    assert ds.difficulty == row["difficulty"]
    assert ds.procedure == ("nonlinear" if row["procedure"] == "nonlinear" else "linear")
    assert ds.generated == (row["data"] == "generated")


@pytest.mark.parametrize("name", NIST_NAMES)
def test_certified_values_are_present(name: str) -> None:
    ds = nist(name)
    assert np.all(np.isfinite(ds.certified_params)) and np.all(ds.certified_stderr >= 0)
    assert np.isfinite(ds.certified_rss) and ds.certified_rss >= 0
    assert ds.dof == ds.n_obs - ds.n_params
    if ds.procedure == "nonlinear":
        assert ds.certified_digits == 11
        assert ds.start1.shape == ds.start2.shape == (ds.n_params,)
        assert set(ds.starts) == {1, 2}
        assert not np.allclose(ds.start1, ds.start2)
        assert ds.parameter_names == tuple(f"b{k}" for k in range(1, ds.n_params + 1))
        assert ds.certified_r_squared is None
        assert ds.description and ds.reference
    else:
        assert ds.certified_digits == 15
        assert ds.start1 is None and ds.start2 is None and ds.starts == {}
        assert 0 < ds.certified_r_squared <= 1
        assert ds.reference


@pytest.mark.parametrize("name", NIST_NAMES)
def test_certified_rss_is_reproduced_by_data_model_and_parameters(name: str) -> None:
    """The data, the model and the certified parameters give the certified RSS (and residual SD)."""
    ds = nist(name)
    rss = float(np.sum((ds.y - ds.model(ds.x, *ds.certified_params)) ** 2))
    if ds.certified_rss == 0:  # Wampler1: exact data
        assert rss < 1e-12 * float(np.sum(ds.y**2))
        assert ds.certified_residual_sd == 0
        return
    # certified parameters are rounded (11 or 15 digits), which perturbs the RSS slightly;
    # Filip's conditioning turns 15-digit parameters into about 8 digits of RSS
    assert log_relative_error(rss, ds.certified_rss) >= (7.5 if name == "Filip" else 9.5)
    assert np.sqrt(ds.certified_rss / ds.dof) == pytest.approx(ds.certified_residual_sd, rel=1e-9)


def test_known_quirks_of_the_files() -> None:
    longley = nist("Longley")
    assert longley.n_params == 7 and longley.parameter_names[-1] == "B6"
    assert longley.x.shape == (16, 6)
    rat43 = nist("Rat43")
    assert rat43.stated_dof == 9 and rat43.dof == 11  # the file states 9; n - p is 11
    wampler = nist("Wampler1")
    assert np.all(wampler.certified_stderr == 0) and np.all(wampler.certified_params == 1)
    assert "+ e" not in wampler.equation and "+ e" not in nist("Pontius").equation
    assert nist("NoInt1").design_matrix().shape == (11, 1)


def fortran_to_sympy(equation: str, n_params: int) -> tuple[sp.Expr, list[sp.Symbol], sp.Symbol]:
    """NIST's printed equation as a sympy expression: '**' is a power, [ ] are parentheses."""
    rhs = equation.split("=", 1)[1]
    rhs = re.sub(r"\+\s*e\s*$", "", rhs.strip())
    rhs = rhs.replace("[", "(").replace("]", ")")
    b = sp.symbols(f"b1:{n_params + 1}")
    x = sp.Symbol("x")
    expr = sp.sympify(rhs, locals={**{f"b{k + 1}": b[k] for k in range(n_params)}, "x": x, "exp": sp.exp})
    return expr, list(b), x


@pytest.mark.parametrize("name", NONLINEAR)
def test_models_agree_with_the_printed_equations(name: str) -> None:
    ds = nist(name)
    expr, b, x = fortran_to_sympy(ds.equation, ds.n_params)
    assert expr.free_symbols <= set(b) | {x}
    oracle = sp.lambdify([x, *b], expr, modules="numpy")
    for params in (ds.certified_params, ds.start2):
        want = oracle(np.asarray(ds.x), *params)
        got = ds.model(ds.x, *params)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", NONLINEAR)
def test_models_accept_complex_parameters(name: str) -> None:
    """The complex-step Jacobian needs models that keep the imaginary part."""
    ds = nist(name)
    p = ds.certified_params.astype(complex)
    p[0] += 1e-20j
    out = ds.model(ds.x, *p)
    assert np.iscomplexobj(out) and np.any(out.imag != 0)


@pytest.mark.parametrize("name", LINEAR)
def test_linear_models_match_their_design_matrices(name: str) -> None:
    ds = nist(name)
    A = ds.design_matrix()
    assert A.shape == (ds.n_obs, ds.n_params)
    # Horner's rule and the matrix product round differently; compare with the size of the terms
    scale = np.abs(A) @ np.abs(ds.certified_params)
    assert np.all(np.abs(A @ ds.certified_params - ds.model(ds.x, *ds.certified_params)) <= 1e-14 * scale)


# --------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NIST_NAMES)
def test_crlf_and_lf_give_the_same_dataset(name: str) -> None:
    lf = raw(name)
    assert "\r" not in lf
    crlf = lf.replace("\n", "\r\n")
    a, b = parse_nist(lf), parse_nist(crlf)
    for field in ("x", "y", "certified_params", "certified_stderr"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    for field in ("certified_rss", "equation", "parameter_names", "difficulty", "stated_dof"):
        assert getattr(a, field) == getattr(b, field)
    if a.procedure == "nonlinear":
        np.testing.assert_array_equal(a.start1, b.start1)
        np.testing.assert_array_equal(a.start2, b.start2)


def test_values_are_read_exactly() -> None:
    """Spot checks against the text of the files."""
    ds = nist("Misra1a")
    np.testing.assert_array_equal(ds.start1, [500, 0.0001])
    np.testing.assert_array_equal(ds.start2, [250, 0.0005])
    np.testing.assert_array_equal(ds.certified_params, [2.3894212918e02, 5.5015643181e-04])
    np.testing.assert_array_equal(ds.certified_stderr, [2.7070075241e00, 7.2668688436e-06])
    assert ds.certified_rss == 1.2455138894e-01
    assert (ds.y[0], ds.x[0], ds.y[-1], ds.x[-1]) == (10.07, 77.6, 81.78, 760.0)
    filip = nist("Filip")
    assert filip.certified_params[-1] == -0.402962525080404e-04
    assert filip.certified_rss == 0.795851382172941e-03
    assert nist("Longley").certified_rss == 836424.055505915
    assert nist("NoInt1").certified_residual_sd == 3.56753034006338


def test_ranges_come_from_the_header() -> None:
    """Moving the data block (and saying so in the header) is still parsed correctly."""
    lines = raw("DanWood").split("\n")
    assert "Data              (lines 61 to 66)" in lines[6]
    lines[6] = lines[6].replace("61 to 66", "62 to 67")
    lines.insert(59, "")  # one more blank line before the column header
    moved = parse_nist("\n".join(lines))
    np.testing.assert_array_equal(moved.y, nist("DanWood").y)


def test_nist_returns_one_read_only_object() -> None:
    a, b = nist("Norris"), nist("norris")
    assert a is b and isinstance(a, NistDataset)
    with pytest.raises(ValueError, match="read-only"):
        a.y[0] = 0.0
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]


def test_parser_errors() -> None:
    with pytest.raises(TypeError, match="as a str"):
        parse_nist(raw("Norris").encode())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a NIST StRD file"):
        parse_nist("hello\nworld\n")
    truncated = "\n".join(raw("Misra1a").split("\n")[:-3])
    with pytest.raises(ValueError, match="outside the file"):
        parse_nist(truncated)
    fewer = raw("Misra1a").replace("14 Observations", "15 Observations")
    with pytest.raises(ValueError, match="observations"):
        parse_nist(fewer)
    wrong_params = raw("Misra1a").replace("2 Parameters (b1 and b2)", "3 Parameters (b1 to b3)")
    with pytest.raises(ValueError, match="3 parameters"):
        parse_nist(wrong_params)
    bad_number = raw("Misra1a").replace("10.07E0", "ten")
    with pytest.raises(ValueError, match="not a row of numbers"):
        parse_nist(bad_number)
    unknown = raw("Misra1a").replace("Misra1a ", "Mystery ", 1)
    with pytest.raises(ValueError, match="no model is known"):
        parse_nist(unknown)


def test_nist_name_errors() -> None:
    with pytest.raises(ValueError, match="unknown NIST dataset 'Nonesuch'"):
        nist("Nonesuch")
    with pytest.raises(TypeError, match="must be a string"):
        nist(3)  # type: ignore[arg-type]


def test_dataset_method_errors() -> None:
    with pytest.raises(ValueError, match="nonlinear problem"):
        nist("Misra1a").design_matrix()
    with pytest.raises(ValueError, match="has 2 parameters, got 3"):
        nist("Misra1a").digits([1.0, 2.0, 3.0])


def test_digits_of_the_certified_values_are_the_cap() -> None:
    ds = nist("Eckerle4")
    d = ds.digits(ds.certified_params, ds.certified_rss)
    assert d["min"] == 11 and d["rss"] == 11
    assert np.all(d["params"] == 11)


# --------------------------------------------------------------------------
# Log relative error
# --------------------------------------------------------------------------


def test_log_relative_error_values() -> None:
    assert log_relative_error(1.0001, 1.0) == pytest.approx(4.0, abs=1e-9)
    assert log_relative_error(3.14159, np.pi) == pytest.approx(-np.log10(abs(3.14159 - np.pi) / np.pi))
    assert log_relative_error(1e-7, 0.0) == pytest.approx(7.0)  # absolute error when certified is 0
    assert log_relative_error(5.0, 1.0) == 0.0  # no correct digit: clipped at 0
    assert log_relative_error(2.0, 2.0) == np.inf
    assert log_relative_error(2.0, 2.0, cap=15) == 15.0
    out = log_relative_error([1.0, 1.001], [1.0, 1.0], cap=11)
    assert isinstance(out, np.ndarray) and out[0] == 11 and out[1] == pytest.approx(3.0, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    c=st.floats(1e-200, 1e200) | st.floats(-1e200, -1e-200),
    k=st.integers(1, 14),
)
def test_log_relative_error_counts_digits(c: float, k: int) -> None:
    q = c * (1 + 10.0**-k)
    assert log_relative_error(q, c) == pytest.approx(k, abs=0.01)


def test_log_relative_error_validation() -> None:
    with pytest.raises(ValueError, match="finite"):
        log_relative_error(np.nan, 1.0)
    with pytest.raises(ValueError, match="finite"):
        log_relative_error(1.0, np.inf)
    with pytest.raises(TypeError, match="real number"):
        log_relative_error("1.0", 1.0)
    with pytest.raises(TypeError, match="cap must be a number"):
        log_relative_error(1.0, 1.0, cap=True)
    with pytest.raises(ValueError, match="cap must be a finite number greater than 0"):
        log_relative_error(1.0, 1.0, cap=-1)
    with pytest.raises(ValueError, match="broadcastable"):
        log_relative_error([1.0, 2.0], [1.0, 2.0, 3.0])
