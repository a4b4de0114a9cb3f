"""A real architecture with random weights: torchvision's ResNet-18, built without downloading anything."""

import torchvision


def resnet18():
    return torchvision.models.resnet18(weights=None)
