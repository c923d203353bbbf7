"""Tiny random-weight model directories for offline tests of the GPU code paths.

Every directory is written with ``save_pretrained`` and is meant to be loaded by
the *real* production loading code (``from_pretrained``); nothing is downloaded.
Weights are random (seeded), so outputs are noise, but every shape, config key,
tokenizer and scheduler is wired like the real checkpoints.

Layout produced by :func:`build_tiny_models` (``out_dir/<family>``):

``qwen`` -- tiny ``Qwen2ForCausalLM`` with a byte-level BPE tokenizer and a
Qwen-style chat template (``<|im_start|>role\\n...<|im_end|>``)::

    tok = AutoTokenizer.from_pretrained(path)   # TokenizersBackend (PreTrainedTokenizerFast)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    inputs = tok.apply_chat_template(messages, add_generation_prompt=True,
                                     return_tensors="pt", return_dict=True)
    out = model.generate(**inputs, max_new_tokens=8)

``sdxl`` -- full ``StableDiffusionXLPipeline`` (two CLIP text encoders of width
32, UNet with cross_attention_dim 64, 8x-downsampling VAE, EulerDiscrete)::

    pipe = StableDiffusionXLPipeline.from_pretrained(path, dtype=torch.float32)
    i2i = StableDiffusionXLImg2ImgPipeline.from_pretrained(path, dtype=torch.float32)
    # or AutoPipelineForImage2Image.from_pipe(pipe); compel: CompelForSDXL(pipe)

``wan`` -- Wan 2.2 "TI2V"-style ``WanPipeline`` saved with
``expand_timesteps=True`` and no image encoder, so the same directory serves
both text-to-video and image-to-video (latent 16 channels, 8x spatial and 4x
temporal VAE compression, UniPC flow-matching scheduler)::

    t2v = WanPipeline.from_pretrained(path, dtype=torch.float32)
    i2v = WanImageToVideoPipeline.from_pretrained(path, dtype=torch.float32)
    frames = t2v(prompt, height=32, width=32, num_frames=9, num_inference_steps=2).frames[0]
    frames = i2v(image=pil, prompt=prompt, height=32, width=32, num_frames=9,
                 num_inference_steps=2).frames[0]

``clip`` -- tiny ``CLIPModel`` (text and vision towers of width 32, projection
32, 32 px images in 8 px patches) with a ``CLIPProcessor`` (the SDXL-style
CLIP tokenizer, 77 tokens; a ``CLIPImageProcessor`` resizing and cropping to
32 px), the layout of ``openai/clip-vit-*``::

    model = CLIPModel.from_pretrained(path, dtype=torch.float32)
    processor = CLIPProcessor.from_pretrained(path)
    inputs = processor(text=[prompt], images=[pil], return_tensors="pt", padding=True)
    image_embeds = model.get_image_features(pixel_values=inputs["pixel_values"]).pooler_output

Each directory is built in a temporary sibling and renamed into place, so an
interrupted build never leaves a half-written directory; rebuilding replaces
the previous directory. Builds are deterministic: the same ``seed`` gives
byte-identical files.

Version notes (diffusers 0.42 / transformers 5):

* ``torch_dtype=`` is deprecated in diffusers ``from_pretrained``; use ``dtype=``.
* ``apply_chat_template(..., return_tensors="pt")`` returns a ``BatchEncoding``
  (not a tensor) in transformers 5; pass ``return_dict=True`` and
  ``generate(**inputs)``, or ``return_dict=False`` for a bare tensor.
* ``WanImageToVideoPipeline`` calls ``ftfy.fix_text`` unconditionally when it
  encodes a text prompt, so it needs the ``ftfy`` package installed.
* ``CLIPModel.get_text_features`` / ``get_image_features`` return a
  ``BaseModelOutputWithPooling`` whose ``pooler_output`` is the projected
  embedding (transformers 4 returned the tensor itself).
* Without torchvision, ``CLIPImageProcessor(...)`` builds the PIL-backed
  ``CLIPImageProcessorPil``; ``from_pretrained`` does the same.
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable

import torch
from diffusers import (
    AutoencoderKL,
    AutoencoderKLWan,
    EulerDiscreteScheduler,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
    UniPCMultistepScheduler,
    WanPipeline,
    WanTransformer3DModel,
)
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import (
    CLIPConfig,
    CLIPImageProcessor,
    CLIPModel,
    CLIPProcessor,
    CLIPTextConfig,
    CLIPTextModel,
    CLIPTextModelWithProjection,
    CLIPTokenizer,
    CLIPVisionConfig,
    GenerationConfig,
    PreTrainedTokenizerFast,
    Qwen2Config,
    Qwen2ForCausalLM,
    T5Tokenizer,
    UMT5Config,
    UMT5EncoderModel,
)

__all__ = ["build_tiny_clip", "build_tiny_models", "build_tiny_qwen", "build_tiny_sdxl", "build_tiny_wan"]

#: Words every tokenizer knows as whole tokens (typical image/video prompt vocabulary).
PROMPT_WORDS = (
    "a an the of in on at with and or by to from is are this that it very "
    "woman man girl boy child person people face portrait photo photograph "
    "painting illustration anime style art artistic realistic photorealistic "
    "cinematic lighting light soft dramatic studio natural golden hour "
    "detailed highly intricate sharp focus quality best masterpiece hd "
    "red blue green yellow black white orange purple pink brown gray dark bright "
    "hat dress shirt hair eyes smile smiling wearing standing sitting walking running "
    "sunset sunrise sky clouds sea ocean beach mountain mountains forest city street "
    "night day rain snow water fire tree trees flower flowers garden river lake "
    "cat dog horse bird car house room window castle "
    "camera shot close up wide angle lens bokeh depth field background foreground "
    "blurry ugly bad low worst deformed distorted watermark text signature "
    "video motion slow moving wind waves dancing flying "
    "hello hi how you what please write describe prompt image"
).split()

#: Sentences the Qwen BPE tokenizer is trained on.
QWEN_CORPUS = (
    "A portrait of a woman with cinematic lighting, highly detailed.",
    "A man wearing a red hat standing in the rain at night.",
    "Close up photo of a smiling girl, soft natural light, bokeh background.",
    "A cat sitting on a window, golden hour, sharp focus.",
    "Wide angle shot of mountains at sunset, dramatic clouds, 8k.",
    "An old castle on a hill, painting, intricate, masterpiece.",
    "A dog running on the beach, waves, slow motion video.",
    "Studio portrait photograph, dark background, dramatic lighting.",
    "A city street at night with neon lights and rain.",
    "A forest river with trees and flowers in the morning light.",
    "Illustration of a boy flying a kite in the blue sky.",
    "Anime style girl with pink hair and a white dress.",
    "Photorealistic face of an old man, detailed skin, 4k.",
    "A horse walking through snow near a frozen lake.",
    "Write a detailed prompt for an image of a woman in a garden.",
    "Describe the image in one sentence.",
    "You are a helpful assistant that writes image prompts.",
    "Improve this prompt: a red car on a mountain road.",
    "Hello! How are you today? I am fine, thank you.",
    "Sure, here is an improved prompt with better lighting and detail.",
    "Negative prompt: blurry, ugly, bad quality, watermark, text.",
    "The camera slowly moves forward while the wind blows the hair.",
    "Cinematic shot of the ocean, golden sunset, highly detailed, best quality.",
    "A bird flying over the sea, clouds, natural light.",
    "Portrait of a woman, soft lighting, cinematic, detailed, sharp focus, 85mm lens.",
    "A child and a dog playing in a green park on a sunny day.",
    "Dark fantasy castle, fire, dramatic sky, intricate details.",
    "1 2 3 4 5 6 7 8 9 0 ( ) [ ] { } : ; , . ! ? ' \" - _ + = * / \\ @ # $ % & < > | ~ ^ `",
)

QWEN_SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

#: Qwen2.5-style chat template (ChatML).
QWEN_CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

#: Side of the tiny CLIP's square input (real CLIP ViT-B/L: 224 or 336).
CLIP_IMAGE_SIZE = 32


def build_tiny_models(out_dir: pathlib.Path, *, seed: int = 0) -> dict[str, pathlib.Path]:
    """Build tiny Qwen2, SDXL, WAN and CLIP directories under out_dir ('qwen', 'sdxl', 'wan', 'clip'), and an
    SDXL LoRA.

    Returns ``{'qwen': path, 'sdxl': path, 'wan': path, 'clip': path, 'sdxl_lora': path}``. The 'wan'
    directory serves both ``WanPipeline`` and ``WanImageToVideoPipeline``; 'clip' is the scorer's.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "qwen": build_tiny_qwen(out_dir / "qwen", seed=seed),
        "sdxl": build_tiny_sdxl(out_dir / "sdxl", seed=seed),
        "wan": build_tiny_wan(out_dir / "wan", seed=seed),
        "clip": build_tiny_clip(out_dir / "clip", seed=seed),
    }
    paths["sdxl_lora"] = build_tiny_sdxl_lora(out_dir / "sdxl-lora", paths["sdxl"], seed=seed + 1)
    return paths


def build_tiny_sdxl_lora(path: pathlib.Path, sdxl_path: pathlib.Path, *, seed: int = 1) -> pathlib.Path:
    """Write a tiny random UNet LoRA (peft, rank 4, attention projections) for the tiny SDXL at ``sdxl_path``.

    Saved with ``save_lora_weights`` as diffusers writes real LoRAs
    (``pytorch_lora_weights.safetensors``), so workers load it with
    ``load_lora_weights`` like any downloaded one.
    """
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    def write(tmp: pathlib.Path) -> None:
        pipe = StableDiffusionXLPipeline.from_pretrained(sdxl_path)
        pipe.unet.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights="gaussian",
                                         target_modules=["to_k", "to_q", "to_v", "to_out.0"]))
        with torch.no_grad():  # peft starts lora_B at zero (no effect); a "trained" LoRA changes the output
            for name, parameter in pipe.unet.named_parameters():
                if "lora_B" in name:
                    parameter.normal_(std=0.5)
        StableDiffusionXLPipeline.save_lora_weights(
            tmp, unet_lora_layers=convert_state_dict_to_diffusers(get_peft_model_state_dict(pipe.unet)))

    return _atomic_build(path, write, seed=seed)


def build_tiny_qwen(path: pathlib.Path, *, seed: int = 0) -> pathlib.Path:
    """Write a tiny ``Qwen2ForCausalLM`` plus chat tokenizer to ``path``."""

    def write(tmp: pathlib.Path) -> None:
        tokenizer = _qwen_tokenizer()
        pad_id = tokenizer.convert_tokens_to_ids("<|endoftext|>")
        eos_id = tokenizer.convert_tokens_to_ids("<|im_end|>")
        config = Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=32768,
            tie_word_embeddings=True,
            bos_token_id=pad_id,
            eos_token_id=eos_id,
            pad_token_id=pad_id,
        )
        model = Qwen2ForCausalLM(config)
        model.generation_config = GenerationConfig(
            bos_token_id=pad_id, eos_token_id=[eos_id, pad_id], pad_token_id=pad_id, do_sample=False
        )
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)

    return _atomic_build(path, write, seed=seed)


def build_tiny_sdxl(path: pathlib.Path, *, seed: int = 0) -> pathlib.Path:
    """Write a tiny full ``StableDiffusionXLPipeline`` to ``path`` (default size 128x128)."""

    def write(tmp: pathlib.Path) -> None:
        vocab, merges = _clip_vocab_and_merges()
        tokenizer = _clip_tokenizer(vocab, merges, pad_token="<|endoftext|>")
        tokenizer_2 = _clip_tokenizer(vocab, merges, pad_token="!")
        text_config = _clip_text_config(tokenizer)
        pipe = StableDiffusionXLPipeline(
            vae=_sdxl_vae(),
            text_encoder=CLIPTextModel(text_config),
            text_encoder_2=CLIPTextModelWithProjection(text_config),
            tokenizer=tokenizer,
            tokenizer_2=tokenizer_2,
            unet=_sdxl_unet(pooled_dim=text_config.projection_dim),
            scheduler=EulerDiscreteScheduler(
                num_train_timesteps=1000,
                beta_start=0.00085,
                beta_end=0.012,
                beta_schedule="scaled_linear",
                prediction_type="epsilon",
                steps_offset=1,
                timestep_spacing="leading",
            ),
        )
        pipe.save_pretrained(tmp)

    return _atomic_build(path, write, seed=seed)


def build_tiny_wan(path: pathlib.Path, *, seed: int = 0) -> pathlib.Path:
    """Write a tiny Wan 2.2 TI2V-style ``WanPipeline`` (t2v and i2v) to ``path``.

    ``expand_timesteps=True`` is stored in ``model_index.json``: that is what
    lets ``WanImageToVideoPipeline`` run without an image encoder, using the
    same 16-channel transformer as text-to-video.
    """

    def write(tmp: pathlib.Path) -> None:
        tokenizer = _t5_tokenizer()
        pipe = WanPipeline(
            tokenizer=tokenizer,
            text_encoder=_umt5_encoder(vocab_size=len(tokenizer), d_model=32),
            vae=AutoencoderKLWan(
                base_dim=3,
                z_dim=16,
                dim_mult=[1, 1, 1, 1],
                num_res_blocks=1,
                temperal_downsample=[False, True, True],
            ),
            scheduler=UniPCMultistepScheduler(
                num_train_timesteps=1000,
                prediction_type="flow_prediction",
                use_flow_sigmas=True,
                flow_shift=5.0,
            ),
            transformer=_wan_transformer(text_dim=32, latent_channels=16),
            expand_timesteps=True,
        )
        pipe.save_pretrained(tmp)

    return _atomic_build(path, write, seed=seed)


def build_tiny_clip(path: pathlib.Path, *, seed: int = 0) -> pathlib.Path:
    """Write a tiny ``CLIPModel`` and its ``CLIPProcessor`` to ``path`` (the CLIP score's model).

    Laid out like ``openai/clip-vit-*`` (one directory holding the model, the
    tokenizer and the image processor's settings), so the scorer loads a real
    checkpoint with the same two ``from_pretrained`` calls. The tokenizer pads
    with ``<|endoftext|>`` as OpenAI's does; images are resized and
    centre-cropped to 32 px (224 in the real ones).
    """

    def write(tmp: pathlib.Path) -> None:
        vocab, merges = _clip_vocab_and_merges()
        tokenizer = _clip_tokenizer(vocab, merges, pad_token="<|endoftext|>")
        image_processor = CLIPImageProcessor(size={"shortest_edge": CLIP_IMAGE_SIZE},
                                             crop_size={"height": CLIP_IMAGE_SIZE, "width": CLIP_IMAGE_SIZE})
        vision_config = CLIPVisionConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                                         num_attention_heads=4, image_size=CLIP_IMAGE_SIZE, patch_size=8,
                                         projection_dim=32, hidden_act="gelu")
        config = CLIPConfig(text_config=_clip_text_config(tokenizer).to_dict(),
                            vision_config=vision_config.to_dict(), projection_dim=32)
        CLIPModel(config).save_pretrained(tmp)
        CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(tmp)

    return _atomic_build(path, write, seed=seed)



def _atomic_build(path: pathlib.Path, write: Callable[[pathlib.Path], None], *, seed: int) -> pathlib.Path:
    """Run ``write(tmp)`` in a temp dir beside ``path``, then swap it into place.

    ``write`` runs with torch's CPU RNG seeded to ``seed``; the caller's RNG
    state is restored afterwards. A failed build leaves ``path`` untouched.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{path.name}.building-", dir=path.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it 0700; the final dir must be readable by workers
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            write(tmp)
        if path.exists():
            old = pathlib.Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
            path.rename(old / path.name)
            tmp.rename(path)
            shutil.rmtree(old)
        else:
            tmp.rename(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _qwen_tokenizer() -> PreTrainedTokenizerFast:
    """Train a byte-level BPE on :data:`QWEN_CORPUS` and wrap it as a chat tokenizer."""
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=list(QWEN_SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator([*QWEN_CORPUS, " ".join(PROMPT_WORDS)], trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=list(QWEN_SPECIAL_TOKENS[1:]),
        chat_template=QWEN_CHAT_TEMPLATE,
        model_max_length=32768,
    )


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP reversible byte -> printable unicode character table."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    chars = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


def _clip_vocab_and_merges() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """CLIP-style BPE vocab: all bytes (with and without ``</w>``), whole prompt words, specials.

    Ids follow the real CLIP layout: the 256 byte symbols first (``!`` is 0),
    then their ``</w>`` variants, merged symbols, and the two special tokens last.
    """
    symbols = list(_bytes_to_unicode().values())
    merges = _learn_merges(sorted(set(PROMPT_WORDS)))
    vocab_list = [*symbols, *(s + "</w>" for s in symbols), *(a + b for a, b in merges)]
    vocab_list += ["<|startoftext|>", "<|endoftext|>"]
    return {token: index for index, token in enumerate(vocab_list)}, merges


def _learn_merges(words: list[str]) -> list[tuple[str, str]]:
    """Greedy BPE training on ``words`` until each is a single ``word</w>`` symbol.

    Replaying merges in rank order reproduces the training segmentation, so
    every word in ``words`` tokenizes to exactly one token.
    """
    pieces = [[*word[:-1], word[-1] + "</w>"] for word in words]
    merges: list[tuple[str, str]] = []
    while pair_counts := Counter(pair for word in pieces for pair in zip(word, word[1:])):
        best = max(pair_counts, key=lambda pair: (pair_counts[pair], pair))
        merges.append(best)
        pieces = [_merge_pair(word, best) for word in pieces]
    return merges


def _merge_pair(word: list[str], pair: tuple[str, str]) -> list[str]:
    """Merge every non-overlapping occurrence of ``pair`` in ``word``, left to right."""
    merged: list[str] = []
    index = 0
    while index < len(word):
        if tuple(word[index : index + 2]) == pair:
            merged.append(pair[0] + pair[1])
            index += 2
        else:
            merged.append(word[index])
            index += 1
    return merged


def _clip_tokenizer(vocab: dict[str, int], merges: list[tuple[str, str]], *, pad_token: str) -> CLIPTokenizer:
    """A ``CLIPTokenizer`` over the given vocab/merges with SDXL's 77-token context."""
    return CLIPTokenizer(vocab=vocab, merges=merges, pad_token=pad_token, model_max_length=77)


def _clip_text_config(tokenizer: CLIPTokenizer) -> CLIPTextConfig:
    """Config shared by both SDXL text encoders (hidden 32, so 32 + 32 = 64 = cross-attention dim)."""
    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=3,
        num_attention_heads=4,
        max_position_embeddings=tokenizer.model_max_length,
        projection_dim=32,
        hidden_act="gelu",
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def _sdxl_unet(pooled_dim: int) -> UNet2DConditionModel:
    """SDXL-shaped UNet: "text_time" added conditioning from 6 size ids + pooled text embeds."""
    time_embed_dim = 8
    return UNet2DConditionModel(
        sample_size=16,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=(32, 64),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        transformer_layers_per_block=(1, 1),
        use_linear_projection=True,
        cross_attention_dim=64,
        addition_embed_type="text_time",
        addition_time_embed_dim=time_embed_dim,
        projection_class_embeddings_input_dim=6 * time_embed_dim + pooled_dim,
    )


def _sdxl_vae() -> AutoencoderKL:
    """Four-level VAE, so images are downsampled 8x like the real SDXL VAE."""
    return AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 8, 16, 16),
        layers_per_block=1,
        norm_num_groups=8,
        latent_channels=4,
        sample_size=128,
        scaling_factor=0.13025,
    )


def _wan_transformer(*, text_dim: int, latent_channels: int) -> WanTransformer3DModel:
    """Tiny Wan transformer: diffusers' own test config, but the real rope length (1024).

    The pipelines assume patch size (1, 2, 2) when expanding timesteps.
    """
    return WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=latent_channels,
        out_channels=latent_channels,
        text_dim=text_dim,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=1024,
    )


def _t5_tokenizer() -> T5Tokenizer:
    """Unigram ``T5Tokenizer`` (the class of UMT5's tokenizer): whole prompt words plus printable ASCII."""
    words = [("▁" + word, -2.0 - len(word) / 100) for word in dict.fromkeys(PROMPT_WORDS)]
    chars = [(chr(code), -8.0) for code in range(ord("!"), ord("~") + 1)]
    specials = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -3.0)]
    return T5Tokenizer(vocab=specials + words + chars, extra_ids=0, model_max_length=512)


def _umt5_encoder(*, vocab_size: int, d_model: int) -> UMT5EncoderModel:
    """Tiny UMT5 encoder (gated-gelu like umt5-xxl) producing ``d_model``-wide prompt embeds."""
    config = UMT5Config(
        vocab_size=vocab_size,
        d_model=d_model,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        relative_attention_max_distance=16,
        feed_forward_proj="gated-gelu",
        dropout_rate=0.0,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    return UMT5EncoderModel(config)
