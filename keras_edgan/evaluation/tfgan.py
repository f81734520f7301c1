"""TF-GAN's classifier metrics on TensorFlow >= 2.16, where `import tensorflow_gan` fails.

tensorflow-gan 2.1.0's package `__init__` imports its Estimator module, and
`tf.estimator` is gone from TensorFlow 2.16 (tensorflow/gan issue #55). Its
`python/eval/classifier_metrics.py` needs only TensorFlow and TensorFlow
Probability, so it is imported with its parent packages registered as bare
modules, which skips their `__init__` files. keras_edgan's own metrics are
tested against this module and benchmarked against it.
"""

import importlib
import importlib.util
import sys
import types

_PARENTS = ("tensorflow_gan", "tensorflow_gan.python", "tensorflow_gan.python.eval")
_MODULE = "tensorflow_gan.python.eval.classifier_metrics"
_INSTALL = (
    "Install it with `pip install --no-deps tensorflow-gan==2.1.0` and its evaluation "
    "dependencies `pip install tensorflow-probability==0.25.0` and "
    "`pip install --no-deps tf-keras==2.21.0` (--no-deps keeps pip from installing the "
    "`tensorflow` package beside tensorflow-cpu)."
)


def classifier_metrics():
    """Returns TF-GAN's `classifier_metrics` module (its FID, classifier score, KID).

    Example:

    >>> tfgan_metrics = classifier_metrics()
    >>> float(tfgan_metrics.frechet_classifier_distance_from_activations(a, b))

    Raises:
        ImportError: tensorflow-gan, tensorflow-probability or tf-keras is not
            installed, or TF-GAN's module no longer imports; the message says
            which and how to install them.
    """
    if _MODULE in sys.modules:
        return sys.modules[_MODULE]
    spec = importlib.util.find_spec("tensorflow_gan")
    if spec is None:
        raise ImportError(f"TF-GAN (the tensorflow-gan package) is not installed. {_INSTALL}")
    directory = spec.submodule_search_locations[0]
    for name in _PARENTS:
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [directory + name[len("tensorflow_gan"):].replace(".", "/")]
            sys.modules[name] = package
    try:
        return importlib.import_module(_MODULE)
    except ImportError as error:
        raise ImportError(
            f"Cannot load TF-GAN's {_MODULE} without its package __init__: {error}. "
            f"{_INSTALL}"
        ) from error
