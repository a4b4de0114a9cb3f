"""A small CNN for the export tests: saved as TorchScript and as a state dict by running this file."""

import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.conv2(x))
        return self.fc(x.mean(dim=(2, 3)))


if __name__ == "__main__":
    torch.manual_seed(7)
    model = TinyCnn()
    # Statistics other than the initial ones, so that batch normalization does something the export must keep.
    model.bn1.running_mean.uniform_(-0.5, 0.5)
    model.bn1.running_var.uniform_(0.5, 2.0)
    model.eval()
    torch.jit.save(torch.jit.script(model), sys.argv[1])
    torch.save(model.state_dict(), sys.argv[2])
