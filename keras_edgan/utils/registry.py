"""A name → factory table for what the shell selects by name (models, architectures)."""

import difflib


class Registry:
    """Maps names to factories; unknown names get the closest known one suggested.

    Example:
    >>> models = Registry("model")
    >>> @models.register("edgan")
    ... def build_edgan(generator, discriminator, config): ...
    >>> models.names()
    ['edgan']
    """

    def __init__(self, kind):
        self.kind = kind
        self._factories = {}

    def register(self, name):
        """Decorator: registers the decorated factory under `name`."""

        def decorate(factory):
            if name in self._factories:
                raise ValueError(f"{self.kind} name {name!r} is registered twice.")
            self._factories[name] = factory
            return factory

        return decorate

    def names(self):
        return sorted(self._factories)

    def check(self, name):
        """Raises a ValueError naming the choices if `name` is not registered."""
        if name not in self._factories:
            close = difflib.get_close_matches(name, self._factories, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Unknown {self.kind} {name!r}.{hint} Choose one of: {', '.join(self.names())}."
            )

    def get(self, name):
        """The factory registered under `name` (checked)."""
        self.check(name)
        return self._factories[name]

    def build(self, name, *args):
        """Calls the factory of `name` with `args`."""
        self.check(name)
        return self._factories[name](*args)
