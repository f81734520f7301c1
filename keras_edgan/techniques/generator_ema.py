"""An exponential moving average of the generator's weights, the generator that
samples (Yazıcı, Foo, Winkler, Yap, Piliouras and Chandrasekhar, "The Unusual
Effectiveness of Averaging in GAN Training", ICLR 2019; Karras et al. 2018, §3 of
"Progressive Growing of GANs")."""

import keras
from keras import ops


class GeneratorEMA(keras.layers.Layer):
    """A copy of the generator whose weights are the exponential moving average of the
    generator's, one step per generator update.

    After the generator's t-th update (t = 1, 2, ...), each trainable weight θ gets

        θ̄ ← β_t·θ̄ + (1 − β_t)·θ,  β_t = 0 for t ≤ `start`, β (`decay`) after,

    so the average copies the generator during a warm-up of `start` updates and then
    averages it with time constant about 1/(1 − β) updates (StudioGAN's `g_ema`
    and `g_ema_start`, BigGAN-PyTorch's `ema` and `ema_start`). The generator's
    non-trainable variables (BatchNormalization's moving statistics, SpectralNorm's
    power-iteration vectors) are copied, not averaged, as StudioGAN and
    StyleGAN2-ADA copy a network's buffers into its average.

    The copy, `network`, is a clone of the generator (`keras.models.clone_model`) set
    non-trainable: its weights are non-trainable variables of the model holding this
    layer, saved in its checkpoints and carried in the state of a jit-compiled step.
    Keras optimizers' own `use_ema` is not used: it writes the average over the
    trained weights at the end of `fit`, while a GAN trains the raw generator on and
    samples from the average.

    Example:
    ```python
    ema = GeneratorEMA(generator, decay=0.999, start=1000)
    ...  # after each generator update, t the number of updates so far:
    ema.update(generator, t)
    images = ema.network(z, training=False)
    ```

    Args:
        generator: the generator, a `keras.Model` that `keras.models.clone_model`
            can clone (functional, `Sequential`, or subclassed with `get_config`).
        decay: β, in [0, 1).
        start: generator updates during which the average copies the generator.
    """

    def __init__(self, generator, decay, start=0, **kwargs):
        super().__init__(**kwargs)
        self.decay = float(decay)
        self.start = int(start)
        try:
            network = keras.models.clone_model(generator)
        except Exception as error:  # clone_model raises several types
            raise ValueError(
                f"The generator's moving average (ema) needs a copy of the generator, "
                f"but keras.models.clone_model cannot clone {generator.name!r}: {error}. "
                f"Build it as a functional or Sequential model, give a subclassed one a "
                f"get_config, or train with ema=0."
            ) from error
        if [w.shape for w in network.weights] != [w.shape for w in generator.weights]:
            raise ValueError(
                f"The clone of the generator {generator.name!r} does not hold its weights "
                f"in the same order, so its moving average (ema) cannot pair them. "
                f"Train with ema=0."
            )
        network.set_weights(generator.get_weights())
        network.trainable = False
        self.network = network
        self.built = True

    def update(self, generator, t, commit=None):
        """Folds the generator's current weights in after its `t`-th update;
        `commit` (a boolean tensor, or None for True) False leaves the average as it
        is, for an update that was discarded."""
        decay = ops.where(ops.greater(t, self.start), self.decay, 0.0)
        if commit is not None:
            decay = ops.where(commit, decay, 1.0)
        for average, variable in zip(self.network.weights, generator.weights):
            if variable.trainable:
                value = decay * average.value + (1.0 - decay) * variable.value
            elif commit is None:
                value = variable.value
            else:
                value = ops.where(commit, variable.value, average.value)
            average.assign(ops.cast(value, average.dtype))
