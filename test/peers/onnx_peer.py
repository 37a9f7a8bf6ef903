"""Peer checks for modelops' ONNX writer and reader, run with Debian's python3-onnx and python3-torch.

check DIR: runs onnx.checker.check_model(full_check=True) on every DIR/*.onnx and prints
           one JSON object {file: "ok" | error}.
export DIR: exports small torch models (an MLP and a CNN, dynamic batch) to DIR/<name>.onnx,
            with DIR/<name>.json holding an input and torch's own output for it.
"""
import json
import os
import sys


def check(directory):
    import onnx

    results = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".onnx"):
            continue
        # onnx 1.12's shape inference cannot merge ZipMap's seq(map) output type (an inferencer
        # limitation, "type case unsupported"), so those models get the structural check only.
        full = not name.startswith("structural-")
        try:
            onnx.checker.check_model(onnx.load(os.path.join(directory, name)), full_check=full)
            results[name] = "ok"
        except Exception as error:  # report every failure, keep checking the rest
            results[name] = f"{type(error).__name__}: {error}".splitlines()[0]
    print(json.dumps(results))


def export(directory):
    import torch

    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3), torch.nn.Softmax(dim=1))
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 2),
    )
    for name, model, example in (("mlp", mlp, torch.randn(5, 8)), ("cnn", cnn, torch.randn(2, 1, 8, 8))):
        model.eval()
        path = os.path.join(directory, name + ".onnx")
        torch.onnx.export(model, example, path, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
        with torch.no_grad():
            expected = model(example)
        with open(os.path.join(directory, name + ".json"), "w") as handle:
            json.dump({"input": example.flatten().tolist(), "input_dims": list(example.shape),
                       "output": expected.flatten().tolist(), "output_dims": list(expected.shape)}, handle)
    print(json.dumps({"torch": torch.__version__}))


if __name__ == "__main__":
    {"check": check, "export": export}[sys.argv[1]](sys.argv[2])
