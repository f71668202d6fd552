"""colorlab: the helper package shared by every notebook of the colorization course.

Modules, in the order data flows through them:

- ``data``     ImageSet; CIFAR-10, image folders, the built-in sample set; device-resident Batches
- ``imagenette`` Imagenette-160 photos (fast.ai): downloaded once, md5-checked, val/ as test
- ``stream``   folders larger than memory, decoded in DataLoader workers; torchrun (DDP)
- ``color``    sRGB <-> linear RGB <-> XYZ <-> CIE Lab, from scratch in torch; normalize for the net
- ``models``   MeanRegressor (01), RGBAutoencoder (02), UNet (04, 05); ClassUNet, AttentionUNet (07)
- ``losses``   l1, mse, l1_ssim, l1_ssim_perceptual, all called ``loss(pred, ab, L)``
- ``adversarial`` a PatchGAN critic and the pix2pix loss l1 + adversarial, trained inside fit (07)
- ``perceptual`` feature networks for a perceptual loss: a small CIFAR-10 classifier, VGG16 (07)
- ``bins``     ab quantization, rebalancing weights, annealed-mean decoding, their loss (05)
- ``train``    fit: the one training loop; checkpoints
- ``recipes``  lab_tensors and train_colorizer: the UNet recipe of 04, 05 and ``colorlab train``
- ``metrics``  psnr, ssim, colorfulness, delta_e, ab_auc, is_gray; evaluate (beside gray)
- ``viz``      figures: image grids, gray / predicted / truth comparisons; the explorers (widgets)
- ``infer``    colorize a photo of any size with a trained checkpoint
- ``reports``  results of full runs as reports/<name>-<device>.json and .md; checkpoint reports
- ``deploy``   ship a colorizer: ONNX export, onnxruntime, int8 quantization, pruning (06)
- ``pretrained`` models shipped with the kit (colorlab/weights/, a model card each): load(name)

Around them:

- ``device``   where the work runs, the one precision policy, the one seed
- ``distributed`` several processes (torchrun, DDP): start, wrap the model, agree on NaN
- ``progress`` progress bars, or none (``COLORLAB_PROGRESS=text``) for committed outputs
- ``notebook`` what every notebook does first: mode, seed, device, data, one line naming them
- ``course``   ``make course``: run every notebook, collect each one's summary line
- ``launch``   Colab and Binder links, and the Colab set-up cell, from pyproject's Repository URL
- ``assign``   exercises from solutions; grading; an nbgrader course folder
- ``gradebook`` grading a class folder in parallel: gradebook.csv, feedback per student
- ``checks``   the feedback checks exercises call: a harness and one catalog per lecture
- ``cli``      every command (``python -m colorlab ...``); ``__main__`` only calls it
"""

__version__ = "0.1.0"
