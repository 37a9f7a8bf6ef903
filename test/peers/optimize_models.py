"""Exports the models the quantization peers and bench/optimize-int8 use, with torch.onnx.export as
a user would: an MLP, a small CNN and a small transformer encoder (seeded weights). For each NAME
writes OUT/NAME.onnx, OUT/NAME.x.npy (inputs, float32) and OUT/NAME.y.npy (torch's outputs).

usage: optimize_models.py OUT [ROWS]
"""
import math
import os
import sys

import numpy as np
import torch
from torch import nn


class EncoderLayer(nn.Module):
    """Post-norm transformer encoder layer written out in Linear layers, as small encoders are."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)

    def split(self, x):
        n, t, d = x.shape
        return x.reshape(n, t, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        attn = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        x = self.norm1(x + self.o((attn @ v).transpose(1, 2).reshape(n, t, d)))
        return self.norm2(x + self.ff2(torch.nn.functional.gelu(self.ff1(x))))


class Encoder(nn.Module):
    def __init__(self, d=128, heads=4, ff=512, layers=2, classes=8):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(d, heads, ff) for _ in range(layers))
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.head(x.mean(dim=1))


def models():
    torch.manual_seed(0)
    mlp = nn.Sequential(
        nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
    )
    cnn = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(32, 10),
    )
    return {
        "mlp": (mlp, (256,)),
        "cnn": (cnn, (3, 32, 32)),
        "transformer": (Encoder(), (32, 128)),
    }


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    for name, (model, shape) in models().items():
        model.eval()
        x = rng.normal(size=(rows, *shape)).astype(np.float32)
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        np.save(os.path.join(out, name + ".x.npy"), x)
        np.save(os.path.join(out, name + ".y.npy"), y)
        torch.onnx.export(
            model,
            torch.from_numpy(x[:1]),
            os.path.join(out, name + ".onnx"),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
            opset_version=17,
        )


if __name__ == "__main__":
    main()
