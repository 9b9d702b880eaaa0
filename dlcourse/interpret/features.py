"""What a network learned: its filters, its feature maps, its layers' activations.

    kernels = interpret.first_layer_filters(model)          # (filters, kh, kw, channels)
    maps = interpret.feature_maps(model, images, "conv_2")   # (batch, h, w, channels)
    similarity = interpret.channel_similarity(model, "conv_2")
    acts = interpret.layer_activations(model, images)        # {name: (batch, features)}
"""

import keras
import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def first_layer_filters(model):
    """The kernel of the first convolution as images: (filters, kh, kw, in_channels)."""
    network = _common.unwrap(model)
    convs = [l for l in network.layers if _kernel(l) is not None and _kernel(l).ndim == 4]
    if not convs:
        raise DLCourseError(f"Model {network.name!r} has no convolutional layer: draw its Dense weights "
                            "with interpret.dense_weight_images instead.")
    # Keras kernels are (kh, kw, in, out): one filter per output channel.
    return np.transpose(_kernel(convs[0]), (3, 0, 1, 2))


def dense_weight_images(model, layer=None):
    """The weights into each unit of a Dense layer that reads the image, as images.

    A unit of the first Dense layer computes `sum(w * x) + b` over the pixels `x`: its
    weight vector, reshaped to the image, shows the pattern the unit responds to.

    Returns:
        (units, H, W, C) weights, for the first Dense layer unless `layer` names one.
    """
    network = _common.unwrap(model)
    dense = [l for l in network.layers if isinstance(l, keras.layers.Dense)]
    chosen = [l for l in dense if l.name == layer] if layer else dense[:1]
    if not chosen:
        raise DLCourseError(f"No Dense layer {layer!r} in {network.name!r}. Dense layers: "
                            f"{', '.join(l.name for l in dense) or 'none'}")
    kernel = _kernel(chosen[0])
    shape = tuple(network.input_shape[1:])
    if kernel.shape[0] != int(np.prod(shape)):
        raise DLCourseError(f"Layer {chosen[0].name!r} reads {kernel.shape[0]} features, not the "
                            f"{int(np.prod(shape))} pixels of a {shape} image: pick the first Dense layer.")
    return kernel.T.reshape(-1, *shape)


def feature_maps(model, images, layer):
    """The output of `layer` (a name or a layer) for `images`: (batch, h, w, channels)."""
    from dlcourse.interpret.grad_cam import find_conv_layer

    batch, _ = _common.as_batch(images, model)
    network = _common.unwrap(model)
    target = find_conv_layer(network, layer)
    return np.asarray(_common.own_rows(_common.probe(network, target.output)(batch, training=False), len(batch)))


def channel_similarity(model, layer):
    """Cosine similarity between the filters of a layer (Conv or Dense), (filters, filters).

        w_k = the kernel of output channel k, flattened (kh * kw * in values)
        similarity[k, l] = w_k . w_l / (|w_k| |w_l|)

    Values near 1 (or -1) off the diagonal mean redundant filters; a layer of
    diverse filters is near 0 off the diagonal.
    """
    network = _common.unwrap(model)
    found = [l for l in network.layers if l.name == layer or l is layer]
    if not found or _kernel(found[0]) is None:
        names = [l.name for l in network.layers if _kernel(l) is not None]
        raise DLCourseError(f"`layer` must name a layer with a kernel. Received: layer={layer!r}; "
                            f"layers with kernels: {', '.join(names)}")
    kernel = _kernel(found[0])
    filters = kernel.reshape(-1, kernel.shape[-1]).T
    unit = filters / np.maximum(np.linalg.norm(filters, axis=1, keepdims=True), 1e-12)
    return (unit @ unit.T).astype(np.float32)


def layer_activations(model, images, layers=None, batch_size=512):
    """Each chosen layer's output, flattened per image: {name: (batch, features)}.

    Default layers: the input, then every layer with a kernel (Dense, Conv), so the
    course MLP gives input (784), hidden_1 (64), hidden_2 (32), logits (10).
    """
    batch, _ = _common.as_batch(images, model)
    network = _common.unwrap(model)
    by_name = {l.name: l for l in network.layers}
    unknown = [name for name in (layers or ()) if name != "input" and name not in by_name]
    if unknown:
        raise DLCourseError(f"No layers {unknown} in {network.name!r}. Layers: {', '.join(by_name)}")
    chosen = [l for l in network.layers if _kernel(l) is not None] if layers is None else \
        [by_name[name] for name in layers if name != "input"]
    probe = _common.probe(network, [l.output for l in chosen])
    parts = []
    for i in range(0, len(batch), batch_size):
        chunk = batch[i:i + batch_size]
        outputs = probe(chunk, training=False)
        parts.append([_common.own_rows(np.asarray(o), len(chunk)) for o in (outputs if len(chosen) > 1 else [outputs])])
    result = {"input": batch.reshape(len(batch), -1)} if layers is None or "input" in layers else {}
    for k, layer in enumerate(chosen):
        result[layer.name] = np.concatenate([np.asarray(p[k]) for p in parts]).reshape(len(batch), -1)
    return result


def _kernel(layer):
    kernel = getattr(layer, "kernel", None)
    return None if kernel is None else np.asarray(keras.ops.convert_to_numpy(kernel))


def plot_filters(kernels, path, title="first-layer filters", ncols=8, titles=None):
    """Filters (n, kh, kw, C) as small images, each scaled to its own range (bright: large)."""
    from dlcourse.interpret import _draw

    kernels = np.asarray(kernels, dtype=np.float32)
    low = kernels.min(axis=(1, 2, 3), keepdims=True)
    high = kernels.max(axis=(1, 2, 3), keepdims=True)
    scaled = (kernels - low) / np.maximum(high - low, 1e-12)
    if scaled.shape[-1] not in (1, 3):  # Not an image's channels: show their mean.
        scaled = scaled.mean(axis=-1, keepdims=True)
    return _draw.image_grid(scaled, path, titles=titles, ncols=ncols, suptitle=title)


def plot_feature_maps(maps, path, title="feature maps", ncols=8, max_channels=32):
    """The channels of one image's feature maps (h, w, channels) as a grid."""
    from dlcourse.interpret import _draw

    maps = np.asarray(maps)
    maps = maps[0] if maps.ndim == 4 else maps
    channels = np.moveaxis(maps[..., :max_channels], -1, 0)
    return _draw.image_grid(channels, path, titles=[f"ch {k}" for k in range(len(channels))],
                            ncols=ncols, cmap="viridis", suptitle=title)


def plot_similarity(matrix, path, title="filter cosine similarity"):
    """A cosine-similarity matrix as a heat map with a colour bar."""
    from dlcourse import plots

    fig, ax = plots.figure(size=(4.5, 4.0))
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax)
    ax.set_xlabel("filter")
    ax.set_ylabel("filter")
    ax.set_title(title)
    return plots.save_figure(fig, path)
