"""The models `train --model=NAME` builds, and the configuration options of each.

A model file registers its class under the name the shell uses, with the constructor
arguments that name fixes (`register("fgan_kl", FGAN, divergence="kl")`); a model
wrapping another GAN (VER) names the class it wraps. A model's configuration options
are its constructor's other keyword arguments (under the class's `config_names`),
the `TrainingOptions` of its step (with the class's `default_options`) and those of
the model it wraps: adding an argument to a constructor adds the option to configs
and to `train`'s flags.
"""

import dataclasses
import inspect

from keras_edgan.models.training_options import TrainingOptions
from keras_edgan.utils.docstrings import arguments, first_sentence
from keras_edgan.utils.registry import Registry

MODELS = Registry("model")

# Constructor arguments that the configuration's shared keys or the networks give.
_NOT_OPTIONS = frozenset({
    "self", "generator", "discriminator", "latent_dim", "options", "seed", "num_classes",
    "gan", "statistics_network", "lens", "args", "kwargs",
})


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """A registered model: its class, the arguments its name fixes, the spec of the
    GAN it wraps (or None)."""

    cls: type
    fixed: dict
    wraps: "ModelSpec | None" = None

    def own_options(self):
        """`{config key: (constructor argument, default, defining class)}` of the
        class's own constructor arguments, first definition along the MRO."""
        options = {}
        for cls in self.cls.__mro__:
            init = cls.__dict__.get("__init__")
            if init is None or not cls.__module__.startswith("keras_edgan."):
                continue
            for name, parameter in inspect.signature(init).parameters.items():
                if (name in _NOT_OPTIONS or name in self.fixed
                        or parameter.default is inspect.Parameter.empty):
                    continue
                key = self.cls.config_names.get(name, name)
                options.setdefault(key, (name, parameter.default, cls))
        return options

    def training_options(self):
        """`TrainingOptions` fields and this model's defaults for them."""
        if self.wraps is not None:
            return self.wraps.training_options()
        defaults = dataclasses.asdict(TrainingOptions(**self.cls.default_options))
        return {name: (name, value, TrainingOptions) for name, value in defaults.items()}

    def definitions(self):
        """`{config key: (argument, default, defining class)}` of every option this
        model takes."""
        merged = {**self.training_options()}
        if self.wraps is not None:
            merged.update(self.wraps.own_options())
        merged.update(self.own_options())
        return merged

    def options(self):
        """`{config key: default}` of every option this model takes."""
        return {key: default for key, (_, default, _) in self.definitions().items()}

    def __call__(self, generator, discriminator, config):
        """The model of `config` (a dict holding every key of `options()` and the
        shared keys latent_dim, seed and num_classes)."""
        def arguments(spec):
            return {name: config[key] for key, (name, _, _) in spec.own_options().items()}

        training = {name: config[key] for key, (name, _, _) in self.training_options().items()}
        shared = dict(latent_dim=config["latent_dim"], seed=config["seed"],
                      num_classes=config.get("num_classes"))
        if self.wraps is None:
            return self.cls(generator, discriminator, **shared, **training,
                            **arguments(self), **self.fixed)
        wrapped = self.wraps.cls(generator, discriminator, **shared, **training,
                                 **arguments(self.wraps), **self.wraps.fixed)
        return self.cls(wrapped, **arguments(self), **self.fixed)


def register(name, cls, wraps=None, **fixed):
    """Registers `cls` under `name`, with the constructor arguments in `fixed`; `wraps`
    is the class of the GAN a wrapper such as VER takes."""
    MODELS.register(name)(
        ModelSpec(cls, fixed, None if wraps is None else ModelSpec(wraps, {}))
    )


def options(name):
    """`{config key: default}` of model `name`'s options."""
    MODELS.check(name)
    return MODELS.get(name).options()


def all_options():
    """`{config key: [model names]}` over every registered model."""
    owners = {}
    for name in MODELS.names():
        for key in options(name):
            owners.setdefault(key, []).append(name)
    return owners


def describe(key):
    """The help of option `key`: the first sentence its defining class's docstring
    gives the argument, and the models that take it (all, for `TrainingOptions`)."""
    owners = all_options()[key]
    for owner in owners:  # the first that documents it
        name, _, definer = MODELS.get(owner).definitions()[key]
        text = first_sentence(arguments(definer).get(name, ""))
        if text:
            break
    if definer is TrainingOptions:
        return text
    return f"{text} ({', '.join(owners)})"
