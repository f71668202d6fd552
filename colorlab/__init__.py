"""colorlab: the helper package shared by every notebook of the colorization course.

Modules, in the order data flows through them:

- ``color``   sRGB <-> linear RGB <-> XYZ <-> CIE Lab, from scratch in torch
- ``data``    ImageSet, CIFAR-10 / image folders / the built-in sample set, device-resident Batches
- ``models``  MeanRegressor (01), RGBAutoencoder (02), UNet (04, 05)
- ``train``   fit: the one training loop; checkpoints
- ``metrics`` psnr, ssim, colorfulness, delta_e, evaluate
- ``bins``    ab quantization and annealed-mean decoding (05)
- ``viz``     figures
- ``infer``   colorize a photo of any size
- ``notebook`` the mode / device / data line every notebook starts with
"""

__version__ = "0.1.0"
