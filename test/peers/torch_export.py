"""Exporter for the `--from command` peer in xgboost-parity.test.ts: builds a seeded torch MLP,
writes features and torch's own outputs as NPY next to OUT, and exports the model to OUT with
torch.onnx.export — what a user's export script does.

usage: torch_export.py OUT
"""
import sys

import numpy as np
import torch

out = sys.argv[1]
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(10, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3), torch.nn.Softmax(dim=1)
).eval()
x = np.random.default_rng(5).normal(size=(2000, 10)).astype(np.float32)
with torch.no_grad():
    y = model(torch.from_numpy(x)).numpy()
np.save(out + ".x.npy", x)
np.save(out + ".y.npy", y)
torch.onnx.export(
    model,
    torch.from_numpy(x[:1]),
    out,
    input_names=["input"],
    output_names=["probabilities"],
    dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}},
    opset_version=13,
)
