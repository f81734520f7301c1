"""Run an update and keep or discard its effect by a tensor condition, without Python
control flow on tensor values (so it compiles the same on every backend)."""

from keras import ops


def commit_if(condition, variables, update):
    """Runs `update()` and returns its result; afterwards each of `variables` keeps
    its new value where `condition` (a boolean scalar tensor) holds and gets back the
    value it had before `update` otherwise.

    `keras.ops.cond` with variable assignments inside its branches is not safe under
    JAX's stateless scope; this computes the update every time and selects, at the
    cost of running it when it is discarded. `variables` must cover everything
    `update` writes that should be undone (weights, optimizer state, statistics).

    Example:
    ```python
    loss, penalties = commit_if(done, gan.generator_state(),
                                lambda: gan.generator_update(real, labels))
    ```
    """
    before = [ops.stop_gradient(ops.copy(v.value)) for v in variables]
    result = update()
    for variable, old in zip(variables, before):
        variable.assign(ops.where(condition, variable.value, old))
    return result
