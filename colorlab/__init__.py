"""colorlab: the helper package shared by every notebook of the colorization course.

The learner core, in the order data flows through it:

- ``images``   ImageSet; any image file or array as sRGB; folders of images and their rules
- ``cifar``    CIFAR-10's official release: downloaded once, every file md5-checked
- ``imagenette`` Imagenette-160 photos (fast.ai): downloaded once, md5-checked, val/ as test
- ``data``     the built-in sample set; load_dataset by name; device-resident Batches
- ``stream``   folders larger than memory, decoded in DataLoader workers; torchrun (DDP)
- ``color``    sRGB <-> linear RGB <-> XYZ <-> CIE Lab, from scratch in torch; normalize for the net
- ``colorizer`` the contract in one object, Colorizer: L/100 -> ab/110, .rgb, .photo; lab_tensors
- ``models``   MeanRegressor (01), RGBAutoencoder (02), UNet (04, 05); ClassUNet, AttentionUNet (07)
- ``losses``   l1, mse, l1_ssim, l1_ssim_perceptual, all called ``loss(pred, ab, L)``
- ``adversarial`` a PatchGAN critic and the pix2pix loss l1 + adversarial, trained inside fit (07)
- ``perceptual`` feature networks for a perceptual loss: a small CIFAR-10 classifier, VGG16 (07)
- ``bins``     ab quantization, rebalancing weights, annealed-mean decoding, their loss (05)
- ``train``    fit: the one training loop; train_step; the learning-rate schedules
- ``checkpoint`` save and load checkpoints (atomic, safe), wrapper prefixes, RNG states to resume
- ``recipes``  train_colorizer: the UNet recipe of 04, 05, 06 and ``colorlab train``
- ``metrics``  psnr, ssim, colorfulness, delta_e, ab_auc, is_gray; evaluate (beside gray)
- ``viz``      figures: image grids, gray / predicted / truth comparisons; the explorers (widgets)
- ``infer``    load a trained colorizer; colorize a photo of any size
- ``deploy``   ship a colorizer: ONNX export, onnxruntime, int8 quantization, pruning (06)
- ``pretrained`` models shipped with the kit (colorlab/weights/, a model card each): load(name)

Around them:

- ``device``   where the work runs, the one precision policy, the one seed
- ``distributed`` several processes (torchrun, DDP): start, wrap the model, agree on NaN
- ``progress`` progress bars, or none (``COLORLAB_PROGRESS=text``) for committed outputs
- ``files``    the one atomic write: a file appears whole or not at all

Course tooling, in subpackages that import the core and never the reverse:

- ``course``   notebook start-up, the course runner, reports, launch links, the CLI
- ``grading``  exercises from solutions, the grader and its guard, the gradebook, the checks
"""

__version__ = "0.1.0"
