"""Reads a checkpoint folder the way Python tools do, with the standard library only.

It applies the checks of the reference `safetensors` reader (huggingface/safetensors,
tensor.rs: header size limit, JSON header starting with '{', string-to-string
__metadata__, tensors back to back from offset 0 to the end of the file, byte counts that
match dtype x shape) and the names and shapes transformers' Qwen2ForCausalLM expects for the
config.json beside it. On success it prints JSON {name: [shape, sum]} (sums in float64, for
F32 tensors); on a problem it prints the reason and exits 1.

Usage: python3 hfcheck.py CHECKPOINT_DIR
"""
import array
import json
import os
import struct
import sys

DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2,
               "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}


def fail(msg):
    print(msg)
    sys.exit(1)


def read_safetensors(path):
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        fail("%s: shorter than the 8-byte header length" % path)
    (n,) = struct.unpack("<Q", buf[:8])
    if n > 100_000_000:
        fail("%s: HeaderTooLarge" % path)
    if 8 + n > len(buf):
        fail("%s: InvalidHeaderLength" % path)
    raw = buf[8:8 + n]
    if not raw.startswith(b"{"):
        fail("%s: InvalidHeaderStart" % path)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail("%s: InvalidHeaderDeserialization: %s" % (path, e))
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        fail("%s: __metadata__ must map strings to strings" % path)
    data = buf[8 + n:]
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        dtype, shape, (s, e) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPE_BYTES:
            fail("%s: tensor %s has unknown dtype %s" % (path, name, dtype))
        if s != end or e < s:
            fail("%s: InvalidOffset at tensor %s" % (path, name))
        count = 1
        for d in shape:
            count *= d
        if count * DTYPE_BYTES[dtype] != e - s:
            fail("%s: TensorInvalidInfo for %s" % (path, name))
        end = e
    if end != len(data):
        fail("%s: MetadataIncompleteBuffer (%d data bytes, tensors end at %d)" % (path, len(data), end))
    return header, data


def expected(cfg):
    """The state dict of transformers' Qwen2ForCausalLM for this config: name -> shape."""
    H, V, I = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or H // nh
    want = {"model.embed_tokens.weight": [V, H], "model.norm.weight": [H]}
    if not cfg.get("tie_word_embeddings", False):
        want["lm_head.weight"] = [V, H]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        want.update({
            p + "input_layernorm.weight": [H],
            p + "post_attention_layernorm.weight": [H],
            p + "self_attn.q_proj.weight": [nh * hd, H], p + "self_attn.q_proj.bias": [nh * hd],
            p + "self_attn.k_proj.weight": [nkv * hd, H], p + "self_attn.k_proj.bias": [nkv * hd],
            p + "self_attn.v_proj.weight": [nkv * hd, H], p + "self_attn.v_proj.bias": [nkv * hd],
            p + "self_attn.o_proj.weight": [H, nh * hd],
            p + "mlp.gate_proj.weight": [I, H], p + "mlp.up_proj.weight": [I, H],
            p + "mlp.down_proj.weight": [H, I],
        })
    return want


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("model_type") != "qwen2" or "Qwen2ForCausalLM" not in cfg.get("architectures", []):
        fail("config.json: model_type %r, architectures %r" % (cfg.get("model_type"), cfg.get("architectures")))
    for key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "max_position_embeddings", "rope_theta", "rms_norm_eps"):
        if key not in cfg:
            fail("config.json: no %s" % key)
    header, data = read_safetensors(os.path.join(folder, "model.safetensors"))
    want = expected(cfg)
    missing = sorted(set(want) - set(header))
    extra = sorted(set(header) - set(want))
    if missing or extra:
        fail("state dict mismatch: missing %s, unexpected %s" % (missing[:5], extra[:5]))
    out = {}
    for name, info in header.items():
        if info["shape"] != want[name]:
            fail("%s has shape %s, Qwen2ForCausalLM wants %s" % (name, info["shape"], want[name]))
        s, e = info["data_offsets"]
        total = None
        if info["dtype"] == "F32":
            a = array.array("f")
            a.frombytes(data[s:e])
            if sys.byteorder != "little":
                a.byteswap()
            total = sum(a)
        out[name] = [info["shape"], total]
    print(json.dumps(out))


main()
