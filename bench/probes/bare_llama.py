"""Memory baseline: llama-cpp-python alone with the model loaded as the engine loads it."""

import sys
import time

import llama_cpp

llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=int(sys.argv[2]), n_batch=512, n_threads=int(sys.argv[3]),
                      n_threads_batch=int(sys.argv[3]), last_n_tokens_size=64, verbose=False)
print("loaded", flush=True)
time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 5.0)
