"""Model builders (Keras functional API) and models with their own `train_step`."""

from dlcourse.models.alexnet import build_alexnet
from dlcourse.models.cifar import build_cifar_cnn, build_cifar_fc, build_cifar_wide_cnn
from dlcourse.models.cnn import build_cnn
from dlcourse.models.cnn_fast import build_cnn_fast
from dlcourse.models.googlenet import build_googlenet, inception_block
from dlcourse.models.lenet import build_lenet5
from dlcourse.models.resnet import build_resnet, residual_block
from dlcourse.models.vgg import build_vgg
from dlcourse.models.mlp import build_mlp, mlp_parameter_count
from dlcourse.models.regularized_mlp import build_regularized_mlp, regularized_mlp_parameter_count
from dlcourse.models.sam import SAMModel
from dlcourse.models.wrapper import WrapperModel
from dlcourse.models.sequence import build_rnn_forecaster, build_text_classifier, build_transformer_forecaster
from dlcourse.models.transformer_models import build_char_gpt, build_seq2seq_transformer, greedy_decode
from dlcourse.models.vit import build_vit
from dlcourse.models.dcgan import build_dcgan_discriminator, build_dcgan_generator
from dlcourse.models.gan import GAN
from dlcourse.models.conditional_gan import ConditionalGAN
from dlcourse.models.wgan import WGAN, WGANGP, gradient_penalty
from dlcourse.models.vae import VAE, build_vae_decoder, build_vae_encoder
from dlcourse.models.unet import TimestepEmbedding, build_unet
from dlcourse.models.diffusion import DiffusionModel, make_beta_schedule
from dlcourse.models.toy_gan import build_toy_discriminator, build_toy_generator
from dlcourse.models.progressive import ProgressiveGAN, build_progressive_discriminator, build_progressive_generator

__all__ = ["build_cnn", "build_mlp", "mlp_parameter_count", "build_regularized_mlp",
           "regularized_mlp_parameter_count", "SAMModel", "WrapperModel",
           "build_lenet5", "build_alexnet", "build_vgg", "build_googlenet", "inception_block",
           "build_resnet", "residual_block", "build_cnn_fast", "build_cifar_fc", "build_cifar_cnn", "build_cifar_wide_cnn",
           "build_rnn_forecaster", "build_transformer_forecaster", "build_text_classifier",
           "build_seq2seq_transformer", "greedy_decode", "build_char_gpt", "build_vit",
           "build_dcgan_generator", "build_dcgan_discriminator", "GAN", "ConditionalGAN", "WGAN", "WGANGP",
           "gradient_penalty", "VAE", "build_vae_encoder", "build_vae_decoder", "build_unet", "TimestepEmbedding",
           "DiffusionModel", "make_beta_schedule", "ProgressiveGAN", "build_progressive_generator",
           "build_progressive_discriminator", "build_toy_generator", "build_toy_discriminator"]
