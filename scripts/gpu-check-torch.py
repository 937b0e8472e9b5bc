#!/usr/bin/env python3
"""PyTorch + transformers reference numbers for scripts/gpu-check.sh, on the
Qwen2.5-0.5B shape with random weights (nothing is downloaded): generate()
tokens/s at batch 1 and 64, prefill tokens/s, one GRPO-style training step
(forward + backward + AdamW on bf16) tokens/s, and peak CUDA memory.
Prints lines starting with "torch " that gpu-check.sh copies into its table."""
import time

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

cfg = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
                  num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
                  rope_theta=1e6, rms_norm_eps=1e-6, tie_word_embeddings=True)
torch.manual_seed(0)
dev = "cuda"
model = Qwen2ForCausalLM(cfg).to(dev, dtype=torch.bfloat16).eval()
prompt_len, new = 64, 128


def gen(batch):
    ids = torch.randint(0, 1000, (batch, prompt_len), device=dev)
    model.generate(ids, max_new_tokens=8, min_new_tokens=8, do_sample=True, top_k=50, top_p=0.9, pad_token_id=0)
    torch.cuda.synchronize()
    t = time.perf_counter()
    model.generate(ids, max_new_tokens=new, min_new_tokens=new, do_sample=True, top_k=50, top_p=0.9, pad_token_id=0)
    torch.cuda.synchronize()
    return batch * new / (time.perf_counter() - t)


with torch.no_grad():
    r1, r64 = gen(1), gen(64)
    ids = torch.randint(0, 1000, (8, 512), device=dev)
    model(ids)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(5):
        model(ids)
    torch.cuda.synchronize()
    prefill = 5 * ids.numel() / (time.perf_counter() - t)
print(f"torch generate batch 1 (tok/s)                {r1:.0f}")
print(f"torch generate batch 64 (tok/s)               {r64:.0f}")
print(f"torch prefill 8x512 (tok/s)                   {prefill:.0f}")

model.train()
opt = torch.optim.AdamW(model.parameters(), lr=1e-6)
ids = torch.randint(0, 1000, (16, 256), device=dev)
adv = torch.randn(16, device=dev)


def step():
    logits = model(ids).logits[:, :-1].float()
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    loss = -(torch.exp(logp - logp.detach()) * adv[:, None]).mean()
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)


step()
torch.cuda.synchronize()
torch.cuda.reset_peak_memory_stats()
t = time.perf_counter()
for _ in range(3):
    step()
torch.cuda.synchronize()
tps = 3 * ids.numel() / (time.perf_counter() - t)
print(f"torch GRPO-style step 16x256 (tok/s)          {tps:.0f}")
print(f"torch peak CUDA memory (MiB)                  {torch.cuda.max_memory_allocated() / 2**20:.0f}")
