"""Convert dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1.dat) to ONNX.

Reads dlib's own serialisation (input layer, 29 `con_4` convolutions, `affine_` scale/shift
layers, ReLUs, one max pool, the residual down-sampling average pools, `add_prev` sums and
the final `fc_2` without bias) in file order (input first) and writes the same network as
an ONNX graph. Input: 1×3×150×150 RGB in 0..255 (a dlib face chip: 5-point alignment,
150 px, padding 0.25); output: the 128-d descriptor (dlib compares them by Euclidean
distance, 0.6 = same person). Weights are stored as float16 with a Cast to float32 (halves
the file; the descriptor moves by < 1e-3).

    python convert_dlib_face_recognition.py MODEL.dat OUT.onnx
"""
import re
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Reader:
    def __init__(self, data, pos=0):
        self.d, self.p = data, pos

    def int(self):
        head = self.d[self.p]
        self.p += 1
        n, neg = head & 0x0F, head & 0x80
        v = int.from_bytes(self.d[self.p:self.p + n], "little")
        self.p += n
        return -v if neg else v

    def string(self):
        n = self.int()
        s = self.d[self.p:self.p + n].decode()
        self.p += n
        return s

    def float(self):  # dlib's portable float: mantissa and exponent as ints
        m = self.int()
        e = self.int()
        return m * 2.0 ** e

    def tensor(self):
        version = self.int()
        assert version == 2, version
        shape = [self.int() for _ in range(4)]
        n = int(np.prod(shape))
        a = np.frombuffer(self.d, "<f4", n, self.p).copy()
        self.p += 4 * n
        return a.reshape(shape)


def layers(data):
    """(name, Reader positioned after the name) for every layer, input first."""
    names = ("input_rgb_image_sized", "con_4", "affine_", "relu_", "max_pool_2", "avg_pool_2",
             "add_prev_", "fc_2")
    out = []
    for m in re.finditer(rb"\x01([\x03-\x30])", data):
        n = m.group(1)[0]
        s = data[m.end():m.end() + n]
        try:
            s = s.decode()
        except UnicodeDecodeError:
            continue
        if any(s == k or (k == "affine_" and s.startswith("affine_")) for k in names):
            out.append((s, Reader(data, m.end() + n)))
    return out


def convert(dat_path, onnx_path):
    data = open(dat_path, "rb").read()
    seq = layers(data)
    nodes, inits = [], []
    count = [0]

    def name(p):
        count[0] += 1
        return f"{p}{count[0]}"

    def weight(arr, p):
        n = name(p)
        inits.append(numpy_helper.from_array(arr.astype(np.float16), n + "_h"))
        nodes.append(helper.make_node("Cast", [n + "_h"], [n], to=TensorProto.FLOAT))
        return n

    x = "image"
    assert seq[0][0] == "input_rgb_image_sized"
    r = seq[0][1]
    mean = [r.float(), r.float(), r.float()]
    size = (r.int(), r.int())
    assert size == (150, 150), size
    m = name("mean")
    inits.append(numpy_helper.from_array(np.array(mean, np.float32).reshape(1, 3, 1, 1), m))
    s = name("scale")
    inits.append(numpy_helper.from_array(np.array([1 / 256], np.float32).reshape(1, 1, 1, 1), s))
    y = name("t")
    nodes.append(helper.make_node("Sub", [x, m], [y]))
    x = name("t")
    nodes.append(helper.make_node("Mul", [y, s], [x]))

    # shapes to size the zero padding of add_prev
    hw, ch = 150, 3
    block_in = None  # (tensor, hw, ch) at the start of the current residual block
    pending_pool = None  # avg-pooled block input for a down-sampling block
    convs_in_block = 0
    for kind, r in seq[1:]:
        if kind == "con_4":
            params = r.tensor().reshape(-1)
            nf, kr, kc, sy, sx, py, px = (r.int() for _ in range(7))
            w_n = nf * ((params.size - nf) // nf)
            w = params[:w_n].reshape(nf, -1, kr, kc)
            b = params[w_n:]
            assert b.size == nf and w.shape[1] == ch, (w.shape, ch)
            if kr == 3:  # the stem (7×7) is in no residual block
                if convs_in_block == 0:
                    block_in = (x, hw, ch)
                convs_in_block += 1
            o = name("conv")
            nodes.append(helper.make_node("Conv", [x, weight(w, "w"), weight(b, "b")], [o],
                                          kernel_shape=[kr, kc], strides=[sy, sx],
                                          pads=[py, px, py, px]))
            x, hw, ch = o, (hw + 2 * py - kr) // sy + 1, nf
        elif kind.startswith("affine_"):
            params = r.tensor().reshape(-1)  # gamma then beta (the next two are aliases)
            assert params.size == 2 * ch, (params.size, ch)
            g, b = params[:ch], params[ch:]
            o = name("affine")
            o2 = name("affine")
            nodes.append(helper.make_node("Mul", [x, weight(g.reshape(1, -1, 1, 1), "g")], [o]))
            nodes.append(helper.make_node("Add", [o, weight(b.reshape(1, -1, 1, 1), "beta")], [o2]))
            x = o2
        elif kind == "relu_":
            o = name("relu")
            nodes.append(helper.make_node("Relu", [x], [o]))
            x = o
            if convs_in_block == 2:
                convs_in_block = 0
        elif kind == "max_pool_2":
            ky, kx, sy, sx, py, px = (r.int() for _ in range(6))
            o = name("maxpool")
            nodes.append(helper.make_node("MaxPool", [x], [o], kernel_shape=[ky, kx],
                                          strides=[sy, sx], pads=[py, px, py, px]))
            x, hw = o, (hw + 2 * py - ky) // sy + 1
        elif kind == "avg_pool_2":
            ky, kx, sy, sx, py, px = (r.int() for _ in range(6))
            if ky == 0:  # avg_pool_everything
                o = name("gap")
                nodes.append(helper.make_node("GlobalAveragePool", [x], [o]))
                x, hw = o, 1
            else:  # pool the block's input for the shortcut
                bx, bhw, bch = block_in
                o = name("pool")
                nodes.append(helper.make_node("AveragePool", [bx], [o], kernel_shape=[ky, kx],
                                              strides=[sy, sx], pads=[py, px, py, px]))
                pending_pool = (o, (bhw + 2 * py - ky) // sy + 1, bch)
        elif kind == "add_prev_":
            if pending_pool:
                sx_, shw, sch = pending_pool
                pending_pool = None
            else:
                sx_, shw, sch = block_in
            out_hw, out_ch = max(hw, shw), max(ch, sch)
            a = pad_to(nodes, inits, name, x, hw, ch, out_hw, out_ch)
            b = pad_to(nodes, inits, name, sx_, shw, sch, out_hw, out_ch)
            o = name("add")
            nodes.append(helper.make_node("Add", [a, b], [o]))
            x, hw, ch = o, out_hw, out_ch
        elif kind == "fc_2":
            n_out, n_in = r.int(), r.int()
            w = r.tensor().reshape(n_in, n_out)
            f = name("flat")
            nodes.append(helper.make_node("Flatten", [x], [f]))
            nodes.append(helper.make_node("MatMul", [f, weight(w, "fc")], ["descriptor"]))
    graph = helper.make_graph(
        nodes, "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 150, 150])],
        [helper.make_tensor_value_info("descriptor", TensorProto.FLOAT, [1, 128])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, onnx_path)


def pad_to(nodes, inits, name, x, hw, ch, out_hw, out_ch):
    """dlib's add_prev adds tensors of different sizes as if zero-padded at the end."""
    if (hw, ch) == (out_hw, out_ch):
        return x
    p = name("pads")
    inits.append(numpy_helper.from_array(
        np.array([0, 0, 0, 0, 0, out_ch - ch, out_hw - hw, out_hw - hw], np.int64), p))
    o = name("pad")
    nodes.append(helper.make_node("Pad", [x, p], [o], mode="constant"))
    return o


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
