r"""A small fully connected neural network and its backpropagation, vectorised with numpy.

Chapter 3 of the book derives every formula here. Layer :math:`l` of a network
with layer sizes :math:`(n_0, n_1, \dots, n_L)` maps the activations
:math:`\mathbf a^{(l-1)}` of the layer before to

.. math::

    \mathbf z^{(l)} = \mathbf W^{(l)}\mathbf a^{(l-1)} + \mathbf b^{(l)}, \qquad
    \mathbf a^{(l)} = \sigma\big(\mathbf z^{(l)}\big),

with weights :math:`\mathbf W^{(l)}` of shape :math:`n_l\times n_{l-1}`, biases
:math:`\mathbf b^{(l)}` of length :math:`n_l` and an activation :math:`\sigma`
(the logistic sigmoid or :math:`\tanh`) applied entrywise, in every layer.

A *batch* of :math:`N` samples is processed at once, with no loop over samples
or neurons: the samples are the **rows** of ``X`` (shape ``(N, n_0)``), so a
layer computes :math:`\mathbf Z^{(l)} = \mathbf A^{(l-1)}\mathbf W^{(l)\mathsf T}
+ \mathbf 1\,\mathbf b^{(l)\mathsf T}` for all samples in one matrix product.
The cost is the mean over samples of the squared error,

.. math::

    C = \frac{1}{N}\sum_{k=1}^{N} \big\lVert \mathbf a^{(L)}_k - \mathbf y_k \big\rVert^2 .

``params`` is a list with one pair ``(W, b)`` per layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import OptimizeResult
from scipy.special import expit

from ._validation import check_callable, check_choice, check_finite_array, check_positive
from .multivariate import gradient

__all__ = [
    "ACTIVATIONS",
    "Cache",
    "backward",
    "cost",
    "cost_function",
    "forward",
    "gradient_check",
    "heart_curve",
    "init_params",
    "layer_gradient_norms",
    "ravel_params",
    "sigmoid",
    "sigmoid_prime",
    "sizes_of",
    "tanh_prime",
    "train",
    "unravel_params",
]

#: The activation functions understood by the functions of this module.
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh")

Params = list[tuple[np.ndarray, np.ndarray]]


# --------------------------------------------------------------------------
# Activation functions and their derivatives
# --------------------------------------------------------------------------


def sigmoid(z: Any) -> Any:
    r"""The logistic sigmoid :math:`\sigma(z) = \dfrac{1}{1 + e^{-z}}`, entrywise.

    On real arrays it uses :func:`scipy.special.expit`, which does not
    overflow for large :math:`|z|`; on anything else (complex numbers for
    the complex step, arrays of :class:`mvcalc.autodiff.Value` objects) it
    evaluates the formula, so the same network runs on every number type.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    """
    if isinstance(z, (float, int)) or (isinstance(z, np.ndarray) and z.dtype.kind in "iuf"):
        s = expit(z)
        return float(s) if np.ndim(s) == 0 else s
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: Any) -> Any:
    r"""Derivative of the sigmoid, :math:`\sigma'(z) = \sigma(z)\,\big(1 - \sigma(z)\big)`.

    Its largest value is :math:`\sigma'(0) = \tfrac14`.

    Examples
    --------
    >>> sigmoid_prime(0.0)
    0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_prime(z: Any) -> Any:
    r"""Derivative of :math:`\tanh`, :math:`\tanh'(z) = \operatorname{sech}^2 z = 1 - \tanh^2 z`.

    Its largest value is :math:`\tanh'(0) = 1`.

    Examples
    --------
    >>> tanh_prime(0.0)
    1.0
    """
    t = np.tanh(z)
    out = 1.0 - t * t
    return float(out) if isinstance(out, np.floating) else out


def _activate(z: Any, activation: str) -> Any:
    return sigmoid(z) if activation == "sigmoid" else np.tanh(z)


def _slope_from_output(a: np.ndarray, activation: str) -> np.ndarray:
    r""":math:`\sigma'(z)` from :math:`a = \sigma(z)`: :math:`a(1-a)` or :math:`1 - a^2`."""
    return a * (1.0 - a) if activation == "sigmoid" else 1.0 - a * a


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


def _check_sizes(sizes: Any) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)):
        raise TypeError(f"sizes must be a sequence of layer widths such as [1, 6, 7, 2], got {sizes!r}")
    out = []
    for n in sizes:
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"every layer width in sizes must be an integer, got {n!r} in {sizes!r}")
        if n < 1:
            raise ValueError(f"every layer width in sizes must be at least 1, got {n} in {list(sizes)!r}")
        out.append(int(n))
    if len(out) < 2:
        raise ValueError(f"sizes needs at least two layers (inputs and outputs), got {list(sizes)!r}")
    return out


def _check_rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be a numpy.random.Generator (np.random.default_rng(seed)) or an integer seed, "
        f"got {type(rng).__name__} {rng!r}"
    )


def init_params(sizes: Sequence[int], *, rng: np.random.Generator | int) -> Params:
    r"""Random weights and biases for a network with layer sizes ``sizes``.

    .. math::

        W^{(l)}_{ij} \sim \mathcal N\!\left(0, \tfrac{1}{n_{l-1}}\right), \qquad
        b^{(l)}_i \sim \mathcal N(0, 1),

    so that each :math:`z^{(l)}_i` starts with a variance of order one,
    whatever the width of the layer before.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths :math:`(n_0, \dots, n_L)`, at least two, each at least 1.
    rng : numpy.random.Generator or int
        The source of randomness (or a seed for :func:`numpy.random.default_rng`).

    Returns
    -------
    list of (ndarray, ndarray)
        One pair :math:`(\mathbf W^{(l)}, \mathbf b^{(l)})` per layer, of
        shapes ``(n_l, n_{l-1})`` and ``(n_l,)``.

    Examples
    --------
    >>> params = init_params([1, 6, 7, 2], rng=0)
    >>> [W.shape for W, b in params]
    [(6, 1), (7, 6), (2, 7)]
    """
    sizes = _check_sizes(sizes)
    rng = _check_rng(rng)
    return [
        (rng.normal(0.0, 1.0 / np.sqrt(m), size=(n, m)), rng.normal(0.0, 1.0, size=n))
        for m, n in zip(sizes[:-1], sizes[1:])
    ]


def _check_params(params: Any) -> Params:
    """Check that ``params`` is a list of (W, b) pairs of matching shapes."""
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise TypeError(f"params must be a non-empty list of (W, b) pairs, got {type(params).__name__}")
    checked = []
    for l, layer in enumerate(params, start=1):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError(f"params[{l - 1}] must be a pair (W, b), got {type(layer).__name__}")
        W = check_finite_array(layer[0], f"W of layer {l}")
        b = check_finite_array(layer[1], f"b of layer {l}")
        if W.ndim != 2:
            raise ValueError(f"W of layer {l} must be a 2-D array (n_out, n_in), got shape {W.shape}")
        if b.shape != (W.shape[0],):
            raise ValueError(
                f"b of layer {l} must have shape ({W.shape[0]},) to match W of shape {W.shape}, got {b.shape}"
            )
        if checked and W.shape[1] != checked[-1][0].shape[0]:
            raise ValueError(
                f"layer {l} takes {W.shape[1]} inputs but layer {l - 1} has {checked[-1][0].shape[0]} outputs"
            )
        checked.append((W, b))
    return checked


def _check_data(params: Params, X: Any, Y: Any | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    Xa = check_finite_array(X, "X")
    n_in = params[0][0].shape[1]
    if Xa.ndim != 2 or Xa.shape[1] != n_in or Xa.shape[0] == 0:
        raise ValueError(
            f"X must have shape (N, {n_in}): one sample per row, {n_in} inputs each; got shape {Xa.shape}"
            + (" (use X.reshape(-1, 1) for one input)" if Xa.ndim == 1 and n_in == 1 else "")
        )
    if Y is None:
        return Xa, None
    Ya = check_finite_array(Y, "Y")
    n_out = params[-1][0].shape[0]
    if Ya.shape != (Xa.shape[0], n_out):
        raise ValueError(
            f"Y must have shape ({Xa.shape[0]}, {n_out}): one target row per sample of X; got shape {Ya.shape}"
        )
    return Xa, Ya


def sizes_of(params: Params) -> list[int]:
    """The layer sizes :math:`(n_0, \\dots, n_L)` of ``params``.

    Examples
    --------
    >>> sizes_of(init_params([2, 3, 1], rng=0))
    [2, 3, 1]
    """
    params = _check_params(params)
    return [params[0][0].shape[1]] + [W.shape[0] for W, _ in params]


def ravel_params(params: Params) -> np.ndarray:
    r"""All weights and biases in one vector :math:`\boldsymbol\theta`, layer by layer (``W`` then ``b``).

    Examples
    --------
    >>> ravel_params(init_params([1, 6, 7, 2], rng=0)).shape   # 6+6 + 42+7 + 14+2
    (77,)
    """
    params = _check_params(params)
    return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in params])


def unravel_params(theta: Any, sizes: Sequence[int]) -> Params:
    """The inverse of :func:`ravel_params`: ``(W, b)`` pairs from the vector ``theta``.

    ``theta`` may hold any numbers numpy can reshape: floats, complex numbers
    (complex step) or :class:`mvcalc.autodiff.Value` objects (reverse mode).

    Examples
    --------
    >>> import numpy as np
    >>> params = init_params([2, 3, 1], rng=0)
    >>> back = unravel_params(ravel_params(params), [2, 3, 1])
    >>> all(np.array_equal(W, V) for (W, _), (V, _) in zip(params, back))
    True
    """
    sizes = _check_sizes(sizes)
    if not isinstance(theta, np.ndarray):
        theta = check_finite_array(theta, "theta")
    expected = sum(n * m + n for m, n in zip(sizes[:-1], sizes[1:]))
    if theta.shape != (expected,):
        raise ValueError(f"theta must have shape ({expected},) for sizes {sizes}, got {theta.shape}")
    params, start = [], 0
    for m, n in zip(sizes[:-1], sizes[1:]):
        W = theta[start : start + n * m].reshape(n, m)
        b = theta[start + n * m : start + n * m + n]
        params.append((W, b))
        start += n * m + n
    return params


# --------------------------------------------------------------------------
# Forward pass, cost, backward pass
# --------------------------------------------------------------------------


class Cache(NamedTuple):
    """What :func:`forward` keeps for :func:`backward`.

    Attributes
    ----------
    z : list of ndarray
        Weighted inputs :math:`\\mathbf Z^{(1)}, \\dots, \\mathbf Z^{(L)}`, each of shape ``(N, n_l)``.
    a : list of ndarray
        Activations :math:`\\mathbf A^{(0)} = \\mathbf X, \\mathbf A^{(1)}, \\dots, \\mathbf A^{(L)}`.
    activation : str
        ``"sigmoid"`` or ``"tanh"``.
    """

    z: list[np.ndarray]
    a: list[np.ndarray]
    activation: str


def _forward(params: Params, X: Any, activation: str) -> Cache:
    """The forward pass without validation, for any number type (floats, complex, ``Value``)."""
    zs, activations = [], [X]
    for W, b in params:
        z = activations[-1] @ W.T + b  # (N, n_{l-1}) @ (n_{l-1}, n_l) + (n_l,) -> (N, n_l)
        zs.append(z)
        activations.append(_activate(z, activation))
    return Cache(zs, activations, activation)


def forward(params: Params, X: Any, *, activation: str = "sigmoid") -> tuple[np.ndarray, Cache]:
    r"""The network's output for every sample of a batch, and the cache for :func:`backward`.

    .. math::

        \mathbf A^{(0)} = \mathbf X, \qquad
        \mathbf Z^{(l)} = \mathbf A^{(l-1)}\mathbf W^{(l)\mathsf T} + \mathbf 1\,\mathbf b^{(l)\mathsf T},
        \qquad \mathbf A^{(l)} = \sigma\big(\mathbf Z^{(l)}\big),

    one matrix product per layer; row :math:`k` of :math:`\mathbf A^{(l)}`
    is :math:`\mathbf a^{(l)\mathsf T}` for sample :math:`k`.

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        The weights and biases, as from :func:`init_params`.
    X : array_like, shape (N, n_0)
        One sample per row.
    activation : {"sigmoid", "tanh"}, default "sigmoid"
        The activation of every layer.

    Returns
    -------
    output : ndarray, shape (N, n_L)
        :math:`\mathbf A^{(L)}`.
    cache : Cache
        The :math:`\mathbf Z^{(l)}` and :math:`\mathbf A^{(l)}` of every layer.

    Examples
    --------
    >>> import numpy as np
    >>> out, cache = forward(init_params([1, 6, 7, 2], rng=0), np.zeros((5, 1)))
    >>> out.shape, len(cache.z), len(cache.a)
    ((5, 2), 3, 4)
    """
    check_choice(activation, ACTIVATIONS, "activation")
    params = _check_params(params)
    Xa, _ = _check_data(params, X)
    cache = _forward(params, Xa, activation)
    return cache.a[-1], cache


def _cost(output: Any, Y: Any) -> Any:
    r"""The cost :math:`\frac1N\sum_k \lVert \mathbf a_k - \mathbf y_k\rVert^2` (any number type)."""
    r = output - Y
    return np.sum(r * r) / Y.shape[0]


def cost(params: Params, X: Any, Y: Any, *, activation: str = "sigmoid") -> float:
    r"""The mean squared error of the network on a batch.

    .. math::

        C = \frac{1}{N}\sum_{k=1}^{N}\sum_{j=1}^{n_L}\big(a^{(L)}_{kj} - y_{kj}\big)^2 .

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        The weights and biases.
    X : array_like, shape (N, n_0)
        Inputs, one sample per row.
    Y : array_like, shape (N, n_L)
        Targets, one row per sample.
    activation : {"sigmoid", "tanh"}, default "sigmoid"

    Returns
    -------
    float
        The cost :math:`C`.

    Examples
    --------
    >>> import numpy as np
    >>> params = [(np.zeros((1, 1)), np.zeros(1))]          # outputs sigma(0) = 0.5
    >>> cost(params, [[1.0], [2.0]], [[1.0], [0.0]])        # (0.25 + 0.25) / 2
    0.25
    """
    check_choice(activation, ACTIVATIONS, "activation")
    params = _check_params(params)
    Xa, Ya = _check_data(params, X, Y)
    return float(_cost(_forward(params, Xa, activation).a[-1], Ya))


def backward(params: Params, cache: Cache, Y: Any) -> Params:
    r"""Gradients of the cost with respect to every weight and bias, by backpropagation.

    With :math:`\boldsymbol\Delta^{(l)} = \partial C/\partial\mathbf Z^{(l)}`, of shape
    ``(N, n_l)``, whose row :math:`k` is :math:`\frac1N\boldsymbol\delta^{(l)\mathsf T}_k`
    (the error of sample :math:`k`, weighted by its share of the mean),

    .. math::

        \boldsymbol\Delta^{(L)} &= \tfrac{2}{N}\big(\mathbf A^{(L)} - \mathbf Y\big)\odot\sigma'\big(\mathbf Z^{(L)}\big), \\
        \boldsymbol\Delta^{(l)} &= \big(\boldsymbol\Delta^{(l+1)}\mathbf W^{(l+1)}\big)\odot\sigma'\big(\mathbf Z^{(l)}\big), \\
        \frac{\partial C}{\partial\mathbf W^{(l)}} &= \boldsymbol\Delta^{(l)\mathsf T}\mathbf A^{(l-1)}, \qquad
        \frac{\partial C}{\partial\mathbf b^{(l)}} = \boldsymbol\Delta^{(l)\mathsf T}\mathbf 1,

    where :math:`\sigma'(\mathbf Z) = \mathbf A\odot(1-\mathbf A)` for the
    sigmoid and :math:`1 - \mathbf A\odot\mathbf A` for :math:`\tanh`, read
    from the activations in the cache.

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        The weights and biases used by :func:`forward`.
    cache : Cache
        From ``forward(params, X)``.
    Y : array_like, shape (N, n_L)
        Targets.

    Returns
    -------
    list of (ndarray, ndarray)
        :math:`(\partial C/\partial\mathbf W^{(l)}, \partial C/\partial\mathbf b^{(l)})`
        for each layer, with the shapes of ``params``.

    Examples
    --------
    >>> import numpy as np
    >>> params = init_params([1, 6, 7, 2], rng=0)
    >>> X, Y = heart_curve(50)
    >>> grads = backward(params, forward(params, X)[1], Y)
    >>> [dW.shape for dW, db in grads]
    [(6, 1), (7, 6), (2, 7)]
    """
    params = _check_params(params)
    if not isinstance(cache, Cache):
        raise TypeError(f"cache must be the Cache returned by forward(params, X), got {type(cache).__name__}")
    if len(cache.z) != len(params) or any(
        z.shape[1:] != (W.shape[0],) for z, (W, _) in zip(cache.z, params)
    ):
        raise ValueError("cache does not belong to these params: call forward(params, X) again")
    Ya = check_finite_array(Y, "Y")
    if Ya.shape != cache.a[-1].shape:
        raise ValueError(f"Y must have shape {cache.a[-1].shape}, the shape of the network's output, got {Ya.shape}")
    return _backprop(params, cache, Ya)


def _backprop(params: Params, cache: Cache, Y: np.ndarray) -> Params:
    """The backward pass of :func:`backward`, without the checks of its input."""
    A, act = cache.a, cache.activation
    N, L = Y.shape[0], len(params)
    delta = (2.0 / N) * (A[L] - Y) * _slope_from_output(A[L], act)  # Delta^(L), shape (N, n_L)
    grads = []
    for l in range(L, 0, -1):  # layers L, L-1, ..., 1
        grads.append((delta.T @ A[l - 1], delta.sum(axis=0)))  # dC/dW^(l), dC/db^(l)
        if l > 1:
            W = params[l - 1][0]  # W^(l), stored at index l - 1
            delta = (delta @ W) * _slope_from_output(A[l - 1], act)  # Delta^(l-1)
    return grads[::-1]


def cost_function(
    sizes: Sequence[int], X: Any, Y: Any, *, activation: str = "sigmoid"
) -> Callable[[Any], Any]:
    r"""The cost as a function :math:`C(\boldsymbol\theta)` of the parameter vector alone.

    The returned function does no validation, so that it runs on any number
    type: floats, complex numbers (for the complex step of
    :func:`mvcalc.multivariate.gradient`) and arrays of
    :class:`mvcalc.autodiff.Value` objects (for :func:`mvcalc.autodiff.grad`).

    Parameters
    ----------
    sizes : sequence of int
        Layer widths.
    X, Y : array_like
        Inputs ``(N, n_0)`` and targets ``(N, n_L)``.
    activation : {"sigmoid", "tanh"}, default "sigmoid"

    Returns
    -------
    callable
        ``C(theta)`` for ``theta`` of shape ``(P,)``, :math:`P` the number of parameters.

    Examples
    --------
    >>> params = init_params([1, 3, 2], rng=0)
    >>> X, Y = heart_curve(20)
    >>> C = cost_function([1, 3, 2], X, Y)
    >>> bool(abs(C(ravel_params(params)) - cost(params, X, Y)) < 1e-15)
    True
    """
    sizes = _check_sizes(sizes)
    check_choice(activation, ACTIVATIONS, "activation")
    template = [(np.zeros((n, m)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]
    Xa, Ya = _check_data(template, X, Y)

    def C(theta: Any) -> Any:
        return _cost(_forward(unravel_params(theta, sizes), Xa, activation).a[-1], Ya)

    return C


# --------------------------------------------------------------------------
# Checking and training
# --------------------------------------------------------------------------


def gradient_check(
    params: Params, X: Any, Y: Any, *, activation: str = "sigmoid", method: str = "central"
) -> float:
    r"""Relative difference between backpropagation's gradient and a numerical one.

    .. math::

        \frac{\lVert \mathbf g_\text{backprop} - \mathbf g_\text{numerical}\rVert}
        {\max\big(\lVert \mathbf g_\text{backprop}\rVert, \lVert \mathbf g_\text{numerical}\rVert\big)},

    where :math:`\mathbf g_\text{numerical}` comes from
    :func:`mvcalc.multivariate.gradient` of :func:`cost_function` (central
    differences by default: about :math:`10^{-10}` for a correct backward
    pass; the complex step reaches about :math:`10^{-15}`).

    Parameters
    ----------
    params, X, Y, activation
        As for :func:`cost`.
    method : {"central", "forward", "backward", "complex"}, default "central"

    Returns
    -------
    float
        The relative difference; a bug in a backward pass typically gives
        something of order :math:`10^{-2}` to 1.

    Examples
    --------
    >>> params = init_params([1, 6, 7, 2], rng=0)
    >>> X, Y = heart_curve(30)
    >>> bool(gradient_check(params, X, Y) < 1e-8)
    True
    """
    check_choice(activation, ACTIVATIONS, "activation")
    params = _check_params(params)
    Xa, Ya = _check_data(params, X, Y)
    sizes = sizes_of(params)
    _, cache = forward(params, Xa, activation=activation)
    g_bp = ravel_params(backward(params, cache, Ya))
    g_num = gradient(cost_function(sizes, Xa, Ya, activation=activation), ravel_params(params), method=method)
    scale = max(np.linalg.norm(g_bp), np.linalg.norm(g_num))
    return 0.0 if scale == 0 else float(np.linalg.norm(g_bp - g_num) / scale)


def layer_gradient_norms(params: Params, X: Any, Y: Any, *, activation: str = "sigmoid") -> np.ndarray:
    r"""The size :math:`\lVert \partial C/\partial\mathbf b^{(l)}\rVert` of the gradient at each layer.

    Since :math:`\partial C/\partial\mathbf b^{(l)} = \frac1N\sum_k\boldsymbol\delta^{(l)}_k`,
    this measures how fast layer :math:`l` learns; with sigmoids it typically
    shrinks towards the input (the vanishing gradient).

    Returns
    -------
    ndarray, shape (L,)
        One norm per layer, layer 1 first.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.normal(size=(100, 4)), rng.uniform(size=(100, 1))
    >>> norms = layer_gradient_norms(init_params([4] + [8] * 6 + [1], rng=rng), X, Y)
    >>> bool(norms[0] < norms[-1])
    True
    """
    _, cache = forward(params, X, activation=activation)
    return np.array([np.linalg.norm(db) for _, db in backward(params, cache, Y)])


def train(
    params: Params,
    X: Any,
    Y: Any,
    *,
    step: float = 1.0,
    n_iter: int = 1000,
    rng: np.random.Generator | int | None = None,
    callback: Callable[[int, Params, float], Any] | None = None,
    activation: str = "sigmoid",
    batch_size: int | None = None,
    record: Sequence[int] = (),
) -> OptimizeResult:
    r"""Train the network by gradient descent on the cost, with gradients from :func:`backward`.

    .. math::

        \mathbf W^{(l)} \leftarrow \mathbf W^{(l)} - \gamma\,\frac{\partial C}{\partial\mathbf W^{(l)}},
        \qquad
        \mathbf b^{(l)} \leftarrow \mathbf b^{(l)} - \gamma\,\frac{\partial C}{\partial\mathbf b^{(l)}} .

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        The starting weights and biases (not modified).
    X, Y : array_like
        Inputs ``(N, n_0)`` and targets ``(N, n_L)``.
    step : float, default 1.0
        The step size :math:`\gamma > 0`.
    n_iter : int, default 1000
        Number of gradient steps (at least 1).
    rng : numpy.random.Generator or int, optional
        Draws the mini-batches when ``batch_size`` is given; required then.
    callback : callable, optional
        Called as ``callback(i, params, cost)`` after step ``i``; returning
        ``True`` stops the training.
    activation : {"sigmoid", "tanh"}, default "sigmoid"
    batch_size : int, optional
        Use a random mini-batch of this many samples for each step (stochastic
        gradient descent); by default every step uses the whole batch.
    record : sequence of int, optional
        Iterations (0 to ``n_iter``) at which to keep a copy of the parameters
        in ``path``, for instance to draw snapshots of the learning.

    Returns
    -------
    OptimizeResult
        ``x`` (the trained ``params``), ``fun`` (final cost on the whole
        batch), ``nit``, ``nfev`` (forward passes), ``success``, ``message``,
        ``costs`` (the cost on the whole batch before each step and at the
        end, length ``nit + 1``), ``path`` (the parameter vectors of the
        iterations in ``record``, shape ``(len(record), P)``) and
        ``path_nit`` (those iterations). If the cost or a parameter becomes
        non-finite, the training stops with ``success=False`` and ``x``,
        ``fun`` are those of the last finite iterate.

    Examples
    --------
    >>> X, Y = heart_curve(50)
    >>> res = train(init_params([1, 6, 7, 2], rng=0), X, Y, step=5.0, n_iter=200)
    >>> bool(res.success and res.fun < res.costs[0])
    True
    """
    check_choice(activation, ACTIVATIONS, "activation")
    params = [(W.copy(), b.copy()) for W, b in _check_params(params)]
    Xa, Ya = _check_data(params, X, Y)
    step = check_positive(step, "step")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)):
        raise TypeError(f"n_iter must be an integer, got {type(n_iter).__name__} {n_iter!r}")
    if n_iter < 1:
        raise ValueError(f"n_iter must be at least 1, got {n_iter}")
    if callback is not None:
        check_callable(callback, "callback")
    N = Xa.shape[0]
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise TypeError(f"batch_size must be an integer, got {type(batch_size).__name__} {batch_size!r}")
        if not 1 <= batch_size <= N:
            raise ValueError(f"batch_size must be between 1 and the number of samples {N}, got {batch_size}")
        if rng is None:
            raise ValueError("batch_size needs rng, the source of the random mini-batches")
        rng = _check_rng(rng)
    wanted = sorted({int(i) for i in record})
    if wanted and (wanted[0] < 0 or wanted[-1] > n_iter):
        raise ValueError(f"record must hold iterations between 0 and n_iter={n_iter}, got {list(record)!r}")

    costs, path, path_nit = [], [], []
    nfev, success, message, nit = 0, True, f"completed {n_iter} iterations", n_iter
    record_at = set(wanted)
    for i in range(n_iter + 1):
        with np.errstate(all="ignore"):  # a non-finite cost is reported below
            cache = _forward(params, Xa, activation)
            c = float(_cost(cache.a[-1], Ya))
        nfev += 1
        # At the start, an overflow in W x + b is refused even when the cost is
        # finite: a sigmoid turns z = inf into exactly 1, and whether 2e308 - 2e308
        # gives nan or inf depends on whether the processor's BLAS fuses the
        # multiply and the add.
        if i == 0 and not (np.isfinite(c) and all(np.all(np.isfinite(z)) for z in cache.z)):
            raise ValueError(
                f"W x + b or the cost is not finite at the starting params (cost {c}): an overflow "
                "in W x + b? scale the inputs or the weights down"
            )
        if not np.isfinite(c):
            success, nit = False, i - 1
            message = f"the cost became non-finite after step {i}; reduce step"
            params = previous
            break
        costs.append(c)
        if i in record_at:
            path.append(ravel_params(params))
            path_nit.append(i)
        if i > 0 and callback is not None and callback(i, params, c) is True:
            message, nit = f"stopped by callback at iteration {i}", i
            break
        if i == n_iter:
            break
        if batch_size is None:
            grads = _backprop(params, cache, Ya)
        else:
            rows = rng.choice(N, size=batch_size, replace=False)
            batch_cache = _forward(params, Xa[rows], activation)
            nfev += 1
            grads = _backprop(params, batch_cache, Ya[rows])
        previous = params
        with np.errstate(over="ignore", invalid="ignore"):
            params = [(W - step * dW, b - step * db) for (W, b), (dW, db) in zip(params, grads)]
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params):
            success, nit, params = False, i, previous
            message = f"a weight or bias overflowed in step {i + 1}; reduce step"
            break

    return OptimizeResult(
        x=params,
        fun=costs[-1],
        nit=nit,
        nfev=nfev,
        success=success,
        message=message,
        costs=np.array(costs),
        path=np.array(path) if path else np.empty((0, sum(W.size + b.size for W, b in params))),
        path_nit=np.array(path_nit, dtype=int),
    )


# --------------------------------------------------------------------------
# Data: a closed curve to draw
# --------------------------------------------------------------------------


def heart_curve(n: int = 100, *, margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    r"""Samples of a heart-shaped closed curve, scaled into the unit square.

    The curve is

    .. math::

        x(s) = 16\sin^3 s, \qquad
        y(s) = 13\cos s - 5\cos 2s - 2\cos 3s - \cos 4s, \qquad s = 2\pi t,

    for :math:`t\in[0, 1)`, scaled by one factor and shifted so that it fills
    :math:`[\text{margin}, 1-\text{margin}]` in its longer direction, inside
    the range :math:`(0, 1)` of a sigmoid output.

    Parameters
    ----------
    n : int, default 100
        Number of equally spaced parameter values :math:`t_k = k/n`.
    margin : float, default 0.1
        Empty border, between 0 and 0.5.

    Returns
    -------
    X : ndarray, shape (n, 1)
        The parameters :math:`t_k`, the network's input.
    Y : ndarray, shape (n, 2)
        The points :math:`(x, y)` of the curve, the network's target.

    Examples
    --------
    >>> X, Y = heart_curve(8)
    >>> X.shape, Y.shape, bool(Y.min() > 0.1 - 1e-12 and Y.max() < 0.9 + 1e-12)
    ((8, 1), (8, 2), True)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {type(n).__name__} {n!r}")
    if n < 3:
        raise ValueError(f"n must be at least 3 to draw a closed curve, got {n}")
    margin = float(check_finite_array(margin, "margin"))
    if not 0 <= margin < 0.5:
        raise ValueError(f"margin must be in [0, 0.5), got {margin}")
    t = np.arange(n) / n
    s = 2 * np.pi * t
    x = 16 * np.sin(s) ** 3
    y = 13 * np.cos(s) - 5 * np.cos(2 * s) - 2 * np.cos(3 * s) - np.cos(4 * s)
    # extents of the whole curve: x in [-16, 16] (at s = 3pi/2, pi/2),
    # y in [-17, 11.923...] (at s = pi, and at the tops of the two lobes)
    x_lo, x_hi, y_lo, y_hi = -16.0, 16.0, -17.0, 11.923252415297705
    scale = (1 - 2 * margin) / max(x_hi - x_lo, y_hi - y_lo)
    Y = np.column_stack([0.5 + scale * (x - (x_lo + x_hi) / 2), 0.5 + scale * (y - (y_lo + y_hi) / 2)])
    return t[:, None], Y
