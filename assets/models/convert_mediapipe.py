#!/usr/bin/env python3
"""Convert MediaPipe's face detector and face mesh (TFLite) to ONNX for Skinlapse.

Reproduce (needs PyPI only):

    python3 -m venv /tmp/mp && /tmp/mp/bin/pip install tflite==2.18.0 onnx==1.23.2 numpy
    pip download mediapipe==0.10.14 --no-deps -d /tmp/mp-wheel
    unzip -j /tmp/mp-wheel/mediapipe-0.10.14-*.whl \
        mediapipe/modules/face_detection/face_detection_short_range.tflite \
        mediapipe/modules/face_landmark/face_landmark.tflite -d /tmp/mp-models
    /tmp/mp/bin/python assets/models/convert_mediapipe.py /tmp/mp-models assets/models

Both models use only a handful of TFLite operators (DEQUANTIZE of float16 weights,
CONV_2D, DEPTHWISE_CONV_2D, ADD, RELU, PRELU, PAD, MAX_POOL_2D, RESHAPE,
CONCATENATION), so this script maps them one by one instead of going through a
general converter (tflite2onnx fails on the float16 weights). Weights become
float32 initialisers; activations are laid out NCHW; the graph input is NCHW
float32 in [-1, 1] (detector, 1x3x128x128) or [0, 1] (mesh, 1x3x192x192), exactly
as MediaPipe feeds them.
"""

import sys
from pathlib import Path

import numpy as np
import onnx
import tflite
from onnx import TensorProto, helper, numpy_helper

OPS = {v: k for k, v in tflite.BuiltinOperator.__dict__.items() if not k.startswith("_")}
TYPES = {
    tflite.TensorType.FLOAT32: np.float32,
    tflite.TensorType.FLOAT16: np.float16,
    tflite.TensorType.INT32: np.int32,
}


class Converter:
    def __init__(self, path):
        buf = Path(path).read_bytes()
        self.model = tflite.Model.GetRootAsModel(buf, 0)
        self.graph = self.model.Subgraphs(0)
        self.nodes = []
        self.inits = {}
        self.consts = {}  # tensor index -> numpy array (NHWC / TFLite layout)
        self.nchw = set()  # tensor indices whose ONNX value is NCHW (4-D activations)
        self.counter = 0

    def tensor(self, i):
        return self.graph.Tensors(i)

    def name(self, i):
        return self.tensor(i).Name().decode()

    def shape(self, i):
        return [int(d) for d in self.tensor(i).ShapeAsNumpy()]

    def buffer(self, i):
        t = self.tensor(i)
        data = self.model.Buffers(t.Buffer()).DataAsNumpy()
        if isinstance(data, int) or data.size == 0:
            return None
        return np.frombuffer(data.tobytes(), dtype=TYPES[t.Type()]).reshape(self.shape(i))

    def const(self, i):
        if i in self.consts:
            return self.consts[i]
        value = self.buffer(i)
        if value is None:
            raise ValueError(f"tensor {self.name(i)} is not a constant")
        return value

    def fresh(self, stem):
        self.counter += 1
        return f"{stem}_{self.counter}"

    def init(self, stem, array):
        name = self.fresh(stem)
        self.inits[name] = numpy_helper.from_array(np.ascontiguousarray(array), name)
        return name

    def activation(self, out_name, fused):
        if fused == tflite.ActivationFunctionType.NONE:
            return out_name, None
        if fused == tflite.ActivationFunctionType.RELU:
            pre = self.fresh(out_name + "_pre")
            return pre, helper.make_node("Relu", [pre], [out_name])
        raise NotImplementedError(f"fused activation {fused}")

    @staticmethod
    def same_pads(size, kernel, stride, dilation, padding):
        if padding == tflite.Padding.VALID:
            return 0, 0
        effective = (kernel - 1) * dilation + 1
        out = (size + stride - 1) // stride
        total = max((out - 1) * stride + effective - size, 0)
        return total // 2, total - total // 2

    def conv(self, op, depthwise):
        opts_cls = tflite.DepthwiseConv2DOptions if depthwise else tflite.Conv2DOptions
        opts = opts_cls()
        o = op.BuiltinOptions()
        opts.Init(o.Bytes, o.Pos)
        x, w, b = op.Inputs(0), op.Inputs(1), op.Inputs(2)
        y = op.Outputs(0)
        weights = self.const(w).astype(np.float32)
        _, h, wd, cin = self.shape(x)
        if depthwise:
            # TFLite [1, kh, kw, C*m] -> ONNX [C*m, 1, kh, kw], one group per input channel.
            kernel = weights.transpose(3, 0, 1, 2)
            group = cin
        else:
            # TFLite [out, kh, kw, in] -> ONNX [out, in, kh, kw].
            kernel = weights.transpose(0, 3, 1, 2)
            group = 1
        kh, kw = kernel.shape[2], kernel.shape[3]
        sh, sw = opts.StrideH(), opts.StrideW()
        dh, dw = opts.DilationHFactor(), opts.DilationWFactor()
        top, bottom = self.same_pads(h, kh, sh, dh, opts.Padding())
        left, right = self.same_pads(wd, kw, sw, dw, opts.Padding())
        inputs = [self.name(x), self.init("w", kernel)]
        if b >= 0:
            inputs.append(self.init("b", self.const(b).astype(np.float32)))
        out, act = self.activation(self.name(y), opts.FusedActivationFunction())
        self.nodes.append(
            helper.make_node(
                "Conv", inputs, [out], kernel_shape=[kh, kw], strides=[sh, sw],
                dilations=[dh, dw], pads=[top, left, bottom, right], group=group,
            )
        )
        if act:
            self.nodes.append(act)
        self.nchw.add(y)

    def op(self, op):
        code = self.model.OperatorCodes(op.OpcodeIndex())
        kind = OPS[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        ins = [op.Inputs(k) for k in range(op.InputsLength())]
        y = op.Outputs(0)
        if kind == "DEQUANTIZE":
            self.consts[y] = self.const(ins[0]).astype(np.float32)
        elif kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            self.conv(op, kind == "DEPTHWISE_CONV_2D")
        elif kind == "RELU":
            self.nodes.append(helper.make_node("Relu", [self.name(ins[0])], [self.name(y)]))
            self.nchw.add(y)
        elif kind == "PRELU":
            alpha = self.const(ins[1]).astype(np.float32).reshape(-1, 1, 1)
            self.nodes.append(
                helper.make_node("PRelu", [self.name(ins[0]), self.init("alpha", alpha)], [self.name(y)])
            )
            self.nchw.add(y)
        elif kind == "ADD":
            opts = tflite.AddOptions()
            o = op.BuiltinOptions()
            opts.Init(o.Bytes, o.Pos)
            out, act = self.activation(self.name(y), opts.FusedActivationFunction())
            self.nodes.append(helper.make_node("Add", [self.name(ins[0]), self.name(ins[1])], [out]))
            if act:
                self.nodes.append(act)
            self.nchw.add(y)
        elif kind == "PAD":
            pads = self.const(ins[1]).astype(np.int64)  # NHWC rows of (before, after)
            order = [0, 3, 1, 2]
            onnx_pads = [pads[a, 0] for a in order] + [pads[a, 1] for a in order]
            self.nodes.append(
                helper.make_node(
                    "Pad", [self.name(ins[0]), self.init("pads", np.array(onnx_pads, np.int64))],
                    [self.name(y)], mode="constant",
                )
            )
            self.nchw.add(y)
        elif kind == "MAX_POOL_2D":
            opts = tflite.Pool2DOptions()
            o = op.BuiltinOptions()
            opts.Init(o.Bytes, o.Pos)
            _, h, w, _ = self.shape(ins[0])
            fh, fw = opts.FilterHeight(), opts.FilterWidth()
            sh, sw = opts.StrideH(), opts.StrideW()
            top, bottom = self.same_pads(h, fh, sh, 1, opts.Padding())
            left, right = self.same_pads(w, fw, sw, 1, opts.Padding())
            self.nodes.append(
                helper.make_node(
                    "MaxPool", [self.name(ins[0])], [self.name(y)], kernel_shape=[fh, fw],
                    strides=[sh, sw], pads=[top, left, bottom, right],
                )
            )
            self.nchw.add(y)
        elif kind == "RESHAPE":
            src = self.name(ins[0])
            if ins[0] in self.nchw:
                nhwc = self.fresh(src + "_nhwc")
                self.nodes.append(helper.make_node("Transpose", [src], [nhwc], perm=[0, 2, 3, 1]))
                src = nhwc
            shape = np.array(self.shape(y), np.int64)
            self.nodes.append(helper.make_node("Reshape", [src, self.init("shape", shape)], [self.name(y)]))
        elif kind == "CONCATENATION":
            opts = tflite.ConcatenationOptions()
            o = op.BuiltinOptions()
            opts.Init(o.Bytes, o.Pos)
            if any(i in self.nchw for i in ins):
                raise NotImplementedError("concatenation of NCHW activations")
            self.nodes.append(
                helper.make_node("Concat", [self.name(i) for i in ins], [self.name(y)], axis=opts.Axis())
            )
        else:
            raise NotImplementedError(f"TFLite operator {kind}")

    def convert(self, doc):
        g = self.graph
        (inp,) = [g.Inputs(k) for k in range(g.InputsLength())]
        n, h, w, c = self.shape(inp)
        self.nchw.add(inp)
        for k in range(g.OperatorsLength()):
            self.op(g.Operators(k))
        outputs = []
        for k in range(g.OutputsLength()):
            t = g.Outputs(k)
            name = self.name(t)
            shape = self.shape(t)
            if t in self.nchw:
                # Mesh outputs are 1x1x1xN: flatten them to 1xN.
                flat = self.fresh(name + "_flat")
                self.nodes.append(helper.make_node("Flatten", [name], [flat], axis=1))
                name, shape = flat, [shape[0], int(np.prod(shape[1:]))]
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        graph = helper.make_graph(
            self.nodes, "mediapipe",
            [helper.make_tensor_value_info(self.name(inp), TensorProto.FLOAT, [n, c, h, w])],
            outputs, initializer=list(self.inits.values()),
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="skinlapse")
        model.ir_version = 8
        model.doc_string = doc
        onnx.checker.check_model(model)
        return model


def main():
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    docs = {
        "face_detection_short_range": "MediaPipe BlazeFace short-range face detector (Apache-2.0), from mediapipe 0.10.14",
        "face_landmark": "MediaPipe face mesh, 468 landmarks (Apache-2.0), from mediapipe 0.10.14",
    }
    for stem, doc in docs.items():
        model = Converter(src / f"{stem}.tflite").convert(doc)
        onnx.save(model, dst / f"{stem}.onnx")
        print(f"{stem}.onnx: {len(model.graph.node)} nodes")


if __name__ == "__main__":
    main()
