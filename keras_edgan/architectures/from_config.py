"""The glue between `train`'s config and an architecture's builder function."""

# Config keys an architecture may accept, and its builder's argument for each.
_OPTIONS = {
    "initializer": "initializer",
    "g_initializer": "generator_initializer",
    "d_initializer": "discriminator_initializer",
    "remove_311": "remove_311",
    "sn_in_penultimate": "spectral_norm_penultimate",
    "conditioning": "conditioning",
    "kernel_size": "kernel_size",
}
_SHARED = ("initializer", "g_initializer", "d_initializer")
_TAKERS = {}
"""Each switch of `_OPTIONS`: the architectures that take it."""


def image_networks(build, name, switches=(), conditional=False, config_arguments=None):
    """`factory(config, data)` for the architecture registry: calls `build` with the
    image shape of `data` (a `pipelines.DatasetInfo`), `latent_dim` and `width` of
    the config, and each initializer key and each of `switches` (config keys of
    `_OPTIONS`) that the config sets (not None). A switch that `build` does not
    take is an error rather than silently ignored. With `conditional`, `build`
    also gets `num_classes=config.get("num_classes")` (None: unconditional); with
    `config_arguments`, the keyword arguments `config_arguments(config)` returns
    (settings of the run that the networks depend on, e.g. the minibatch size).

    Example:
    >>> register("dcgan")(image_networks(dcgan, "dcgan", switches=("remove_311",)))
    >>> register_conditional("guide_dcgan")(
    ...     image_networks(guide_dcgan, "guide_dcgan", conditional=True))
    """

    for key in switches:
        _TAKERS.setdefault(key, []).append(name)

    def from_config(config, data):
        if data.channels is None:
            raise ValueError(
                f"The {name} architecture builds image networks, but the dataset "
                f"{data.name!r} holds points. Use an architecture for points (e.g. "
                f"pacgan_mlp)."
            )
        ignored = [
            key for key in _OPTIONS
            if key not in _SHARED and key not in switches and config.get(key) is not None
        ]
        if ignored:
            takers = sorted({taker for key in ignored for taker in _TAKERS.get(key, ())})
            raise ValueError(
                f"The {name} architecture has no option {', '.join(ignored)}; "
                f"unset {'it' if len(ignored) == 1 else 'them'} or pick an architecture "
                f"that has ({', '.join(takers)})."
            )
        options = dict(
            image_size=config["image_size"] or data.default_size,
            channels=data.channels,
            latent_dim=config["latent_dim"],
            width=config["width"],
        )
        for key in (*_SHARED, *switches):
            if config.get(key) is not None:
                options[_OPTIONS[key]] = config[key]
        if conditional:
            options["num_classes"] = config.get("num_classes")
        if config_arguments is not None:
            options.update(config_arguments(config))
        return build(**options)

    return from_config
