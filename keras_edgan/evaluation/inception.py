"""The reference Inception network of FID, IS and KID, read from a local directory."""

import hashlib
import os

import numpy as np
import tensorflow as tf
from absl import logging

from keras_edgan.evaluation.extractor import FeatureExtractor
from keras_edgan.evaluation.resize import DEFAULT_RESIZE, check_resize, resize_images

INCEPTION_ENV = "KERAS_EDGAN_INCEPTION"
INCEPTION_SIZE = 299
INCEPTION_HANDLE = "tensorflow/tfgan/eval/inception/1"
# The reference module's output sizes: 2048 pool_3 features and the 1008 logits of
# the 2015-12-05 Inception graph.
_OUTPUTS = {"pool_3": 2048, "logits": 1008}
_HOW = (
    f"Download the TF-Hub module {INCEPTION_HANDLE} (TF-GAN's, with the weights of "
    "OpenAI's improved-GAN and of TTUR) on a networked machine, unpack it, copy the "
    f"directory here and pass it with --inception_path or ${INCEPTION_ENV} (see BUILD.md, "
    '"The Inception network for FID"). Without it, use a named substitute such as '
    "--extractor=mnist-classifier for MNIST; its numbers are not called FID."
)


class InceptionNotFoundError(FileNotFoundError):
    """No usable Inception network was given; the message says how to get one."""


class InceptionExtractor(FeatureExtractor):
    """pool_3 features (2048) and logits of the reference Inception network.

    The network is TF-GAN's TF-Hub module `tensorflow/tfgan/eval/inception/1`,
    which defines FID (Heusel et al. 2017), the Inception Score (Salimans et al.
    2016) and KID (Bińkowski et al. 2018) in TF-GAN; it cannot be downloaded
    from here, so it is read from a local directory: the unpacked TF-Hub module
    or any SavedModel whose call (or "default"/"serving_default" signature) maps
    299×299×3 images in [-1, 1] to a dict with "pool_3" and "logits".

    Before anything in the directory is loaded, its files are fingerprinted
    (`fingerprint`, SHA-256): the fingerprint keys the cache of real statistics
    and is reported with every score, so a number says which weights made it.
    Outputs of other sizes than the reference module's are refused.

    Grey images are repeated over the three channels, and images in [-1, 1]
    are resized to 299×299 by the definition `resize`
    (`keras_edgan.evaluation.resize`): "tf2_bilinear" (default) as TF-GAN's
    examples do, "tf1_bilinear" as the original TTUR/improved-GAN code does,
    "pil_bicubic" as clean-fid does. Any other than the default names the
    scores (`variant`: FID[pil_bicubic], IS[pil_bicubic], KID[pil_bicubic]) and
    the cache key of real statistics (`cache_id` ends in "-pil_bicubic"); the
    default keeps the plain names and keys. The model runs in TensorFlow
    whatever the Keras backend.

    Example:

    >>> extractor = InceptionExtractor("/models/tfgan_inception_1")  # or $KERAS_EDGAN_INCEPTION
    >>> features, logits = extractor(images)   # (n, 2048), (n, 1008)
    >>> InceptionExtractor(resize="pil_bicubic").variant   # clean-fid's resize
    'pil_bicubic'

    Args:
        path: the module's directory; default $KERAS_EDGAN_INCEPTION.
        resize: "tf2_bilinear" (default), "tf1_bilinear" or "pil_bicubic".

    Raises:
        InceptionNotFoundError: no path given, or no SavedModel there.
        ValueError: `resize` is not one of the definitions.
        ValueError: the model there does not output "pool_3" (2048 features) and
            "logits" (1008).
    """

    name = "inception"
    is_reference = True

    def __init__(self, path=None, resize=DEFAULT_RESIZE):
        check_resize(resize)
        self.resize = resize
        path = path or os.environ.get(INCEPTION_ENV)
        if not path:
            raise InceptionNotFoundError(
                f"No Inception network was given: FID, IS and KID need the reference "
                f"network on disk. {_HOW}"
            )
        if not os.path.isfile(os.path.join(path, "saved_model.pb")):
            raise InceptionNotFoundError(
                f"{path} holds no saved_model.pb, so it is not a TF-Hub module or "
                f"SavedModel directory. {_HOW}"
            )
        self.path = os.path.abspath(path)
        self.fingerprint = fingerprint(self.path)
        logging.info("Inception network %s: files sha256:%s", self.path, self.fingerprint)
        self._function = _callable(tf.saved_model.load(self.path), self.path)

    @property
    def cache_id(self):
        # Keyed on the weights, not the directory: a replaced module never meets the
        # statistics of the old one, a moved one still finds its own. The default
        # resize adds nothing, so statistics cached before the option stay valid.
        suffix = "" if self.variant is None else f"-{self.variant}"
        return f"{self.name}-{self.fingerprint[:16]}{suffix}"

    @property
    def variant(self):
        return None if self.resize == DEFAULT_RESIZE else self.resize

    @property
    def weights(self):
        return f"sha256:{self.fingerprint}"

    def __call__(self, images):
        images = tf.convert_to_tensor(images, tf.float32)
        if images.shape[-1] == 1:
            images = tf.image.grayscale_to_rgb(images)
        images = resize_images(images, INCEPTION_SIZE, self.resize)
        outputs = self._function(images)
        n = images.shape[0]
        return tuple(np.reshape(outputs[key].numpy(), (n, -1)) for key in _OUTPUTS)


def fingerprint(path):
    """SHA-256 of a SavedModel directory: every file's relative path, size and bytes,
    in sorted order. Read without loading or running anything in it.

    Example:

    >>> fingerprint("/models/tfgan_inception_1")
    '3f1c...'
    """
    digest = hashlib.sha256()
    for root, directories, files in os.walk(path):
        directories.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            digest.update(f"{os.path.relpath(full, path)}\0{os.path.getsize(full)}\0".encode())
            with open(full, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def _callable(module, path):
    """The function of `module` that maps images to its outputs dict."""
    if callable(module):
        function = module
    else:
        signatures = getattr(module, "signatures", {})
        name = next((s for s in ("default", "serving_default") if s in signatures), None)
        if name is None:
            raise ValueError(
                f"The SavedModel in {path} is neither callable nor has a 'default' or "
                f"'serving_default' signature (it has {sorted(signatures)}). {_HOW}"
            )
        signature = signatures[name]
        (argument,) = signature.structured_input_signature[1]

        def function(images):
            return signature(**{argument: images})

    def checked(images):
        outputs = function(images)
        missing = [key for key in _OUTPUTS if not isinstance(outputs, dict) or key not in outputs]
        if missing:
            found = sorted(outputs) if isinstance(outputs, dict) else type(outputs).__name__
            raise ValueError(
                f"The network in {path} does not output {missing} (it gives {found}); "
                f"the reference Inception module outputs 'pool_3' and 'logits'. {_HOW}"
            )
        sizes = {key: int(np.prod(outputs[key].shape[1:])) for key in _OUTPUTS}
        if sizes != _OUTPUTS:
            raise ValueError(
                f"The network in {path} outputs {sizes} values per image; the reference "
                f"Inception module outputs {_OUTPUTS}, so its numbers would not be FID, IS "
                f"and KID. {_HOW}"
            )
        return outputs

    return checked
