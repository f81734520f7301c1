"""Argument checks shared by the architectures' builder functions."""

import numbers


def check_image_network_arguments(image_size, channels, latent_dim, width, multiple_of, name):
    """Raises a ValueError naming the first bad argument; returns them as ints.

    `image_size` must be a positive multiple of `multiple_of` (2 to the number of
    stride-2 stages), the others positive integers.
    """
    for arg_name, value in (
        ("image_size", image_size),
        ("channels", channels),
        ("latent_dim", latent_dim),
        ("width", width),
    ):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(
                f"{name}: {arg_name} must be a positive integer. Received: "
                f"{arg_name}={value!r}."
            )
    if image_size % multiple_of:
        raise ValueError(
            f"{name}: image_size must be a multiple of {multiple_of} (the networks halve "
            f"or double it {multiple_of.bit_length() - 1} times). Received: "
            f"image_size={image_size!r}. Resize the images, e.g. to 32 (train --image_size=32)."
        )
    return int(image_size), int(channels), int(latent_dim), int(width)
