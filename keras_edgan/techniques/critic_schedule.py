"""The critic schedule of WGAN (Arjovsky, Chintala and Bottou 2017, their code; the
practical guide of Garrido et al. 2019, §5.3)."""

from keras import ops

# The schedule's burst: this many critic updates, every this many generator updates.
BURST_CRITIC_STEPS = 100
BURST_EVERY = 500


def critic_steps(generator_step, warmup_steps, d_steps):
    """n_critic(t), the critic updates before generator update t (t = 0, 1, ...):
    100 if t < N or t is a multiple of 500, else `d_steps`.

    A near-optimal critic is what makes the Wasserstein estimate (and its gradient)
    meaningful, so it is trained hard at the start and every 500th step brought back
    towards optimality (guide §5.3, §5.4). N is `warmup_steps`: the guide says
    "the first 100 iterations", Arjovsky et al.'s code uses 25
    (`if gen_iterations < 25 or gen_iterations % 500 == 0: Diters = 100`).

    Example:
    >>> [int(critic_steps(t, 2, 5)) for t in (0, 1, 2, 3, 500)]
    [100, 100, 5, 5, 100]
    """
    burst = ops.logical_or(
        ops.less(generator_step, warmup_steps), ops.equal(ops.mod(generator_step, BURST_EVERY), 0)
    )
    return ops.where(burst, BURST_CRITIC_STEPS, d_steps)
