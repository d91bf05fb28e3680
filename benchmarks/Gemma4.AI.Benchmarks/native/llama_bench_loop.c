/*
 * llama_bench_loop: the native baseline of the Gemma4.AI benchmarks.
 *
 * A plain C decode loop over the bundled libllama.so, llama-bench style: load a model (mmap), create one context
 * with the given settings, then time prompt processing (one batch of prompt tokens) and generation (single-token
 * decodes). Generation picks each next token by argmax over the full logits row ("--sample argmax", the default:
 * what a real greedy generator must do) or, like llama-bench, feeds tokens without reading the logits
 * ("--sample none").
 *
 * Built at benchmark time with the machine's C compiler against the same libllama.so the .NET side loads:
 *   cc -O2 -std=c11 -o llama_bench_loop llama_bench_loop.c -L<dir> -lllama -lggml -Wl,-rpath,<dir>
 * It needs no llama.cpp headers: llama_b10221.h declares the few functions and structs of llama.cpp b10221 it uses.
 * The struct layouts are printed at start-up (READY line) so the caller can check them against LLamaSharp's own
 * definitions.
 *
 * Two modes:
 *   standalone (default): warm-up, then --reps repetitions of pp<N> and tg<N>; prints "RESULT <name> <value>" lines.
 *   --serve: reads commands from stdin, one per line, and answers one line each (used by Gemma4.AI.Benchmarks):
 *     tokens <id> <id> ...   set the prompt tokens                      -> OK n=<count>
 *     prefill <k>            clear the KV cache, decode tokens[0,k) untimed, then tokens[k,n) timed
 *                            (chunks of n_batch, logits for the last token only)
 *                                                                       -> PP n=<n-k> us=<microseconds> next=<token>
 *     gen <n>                continue after prefill: n single-token decodes, each followed by sampling
 *                                                                       -> TG n=<n> us=<microseconds> tokens=<t1,t2,...>
 *     par <s> <n>            batched generation: decode the prompt in sequence 0, share it with sequences 1..s-1,
 *                            then n steps that each decode one token of every sequence and sample each
 *                                                                       -> PAR s=<s> n=<n> us=<microseconds>
 *     quit
 *   Errors answer "ERR <message>".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama_b10221.h"

/* ---- Settings ---- */

struct settings {
    const char *model;
    const char *backend_module;
    int threads;
    int batch_threads;
    int ctx;
    int batch;
    int ubatch;
    int seq_max;
    int flash_attn;
    int swa_full;
    int gpu_layers;
    int sample_argmax;
    int log_all;
    int serve;
    int n_prompt;
    int n_gen;
    int reps;
};

struct state {
    struct llama_context *ctx;
    int n_vocab;
    int n_batch;
    int sample_argmax;
    struct llama_batch batch;
    llama_token *tokens;
    int n_tokens;
    int cap_tokens;
    int n_past;
    llama_token next;
    bool primed;
};

static int usage(void) {
    fprintf(stderr,
            "usage: llama_bench_loop -m MODEL [-t THREADS] [-tb BATCH_THREADS] [-c CTX] [-b BATCH] [-ub UBATCH]\n"
            "         [-s SEQ_MAX] [-fa on|off|auto] [--swa-full 0|1] [-ngl GPU_LAYERS] [--backend-module PATH]\n"
            "         [--sample argmax|none] [--log-all] [--serve | -p N_PROMPT -n N_GEN -r REPS]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct settings *s) {
    *s = (struct settings){.threads = 2, .ctx = 4096, .batch = 2048, .ubatch = 512, .seq_max = 1,
                           .flash_attn = FLASH_ATTN_ENABLED, .sample_argmax = 1, .n_prompt = 512, .n_gen = 128,
                           .reps = 5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(name) (strcmp(a, name) == 0 && v != NULL && ++i)
        if (TAKE("-m")) s->model = v;
        else if (TAKE("-t")) s->threads = atoi(v);
        else if (TAKE("-tb")) s->batch_threads = atoi(v);
        else if (TAKE("-c")) s->ctx = atoi(v);
        else if (TAKE("-b")) s->batch = atoi(v);
        else if (TAKE("-ub")) s->ubatch = atoi(v);
        else if (TAKE("-s")) s->seq_max = atoi(v);
        else if (TAKE("-ngl")) s->gpu_layers = atoi(v);
        else if (TAKE("--swa-full")) s->swa_full = atoi(v) != 0;
        else if (TAKE("--backend-module")) s->backend_module = v;
        else if (TAKE("-p")) s->n_prompt = atoi(v);
        else if (TAKE("-n")) s->n_gen = atoi(v);
        else if (TAKE("-r")) s->reps = atoi(v);
        else if (TAKE("-fa")) {
            s->flash_attn = parse_flash_attn(v);
            if (s->flash_attn == -2) return usage();
        } else if (TAKE("--sample")) {
            if (strcmp(v, "argmax") != 0 && strcmp(v, "none") != 0) return usage();
            s->sample_argmax = strcmp(v, "argmax") == 0;
        } else if (strcmp(a, "--serve") == 0) s->serve = 1;
        else if (strcmp(a, "--log-all") == 0) s->log_all = 1;
        else return usage();
#undef TAKE
    }

    if (s->model == NULL || s->threads < 1 || s->ctx < 16 || s->batch < 1 || s->ubatch < 1 || s->ubatch > s->batch
        || s->seq_max < 1 || s->n_prompt < 1 || s->n_gen < 1 || s->reps < 1) {
        return usage();
    }

    if (s->batch_threads < 1) s->batch_threads = s->threads;
    return 0;
}

static void batch_add_seq(struct llama_batch *b, llama_token token, llama_pos pos, llama_seq_id seq, bool logits) {
    int i = b->n_tokens++;
    b->token[i] = token;
    b->pos[i] = pos;
    b->n_seq_id[i] = 1;
    b->seq_id[i][0] = seq;
    b->logits[i] = logits;
}

static void batch_add(struct llama_batch *b, llama_token token, llama_pos pos, bool logits) {
    batch_add_seq(b, token, pos, 0, logits);
}

/* Decodes tokens[from, to) at positions from.., in chunks of n_batch; logits for the last token when asked. */
static int decode_range(struct state *st, int from, int to, bool last_logits) {
    for (int start = from; start < to; start += st->n_batch) {
        int end = start + st->n_batch < to ? start + st->n_batch : to;
        st->batch.n_tokens = 0;
        for (int i = start; i < end; i++) {
            batch_add(&st->batch, st->tokens[i], i, last_logits && i == to - 1);
        }

        int rc = llama_decode(st->ctx, st->batch);
        if (rc != 0) {
            return rc;
        }
    }

    llama_synchronize(st->ctx);
    return 0;
}

/* Clears the cache, decodes [0,k) untimed and [k,n) timed; returns microseconds or -1. */
static int64_t run_prefill(struct state *st, int k, char *err, size_t err_len) {
    if (k < 0 || k >= st->n_tokens) {
        snprintf(err, err_len, "prefill needs 0 <= k < %d tokens, got %d", st->n_tokens, k);
        return -1;
    }

    llama_memory_clear(llama_get_memory(st->ctx), true);
    st->primed = false;
    int rc = decode_range(st, 0, k, false);
    int64_t t0 = now_us();
    if (rc == 0) {
        rc = decode_range(st, k, st->n_tokens, true);
    }
    if (rc != 0) {
        snprintf(err, err_len, "llama_decode returned %d", rc);
        return -1;
    }

    st->next = argmax(llama_get_logits_ith(st->ctx, -1), st->n_vocab);
    int64_t t1 = now_us();
    st->n_past = st->n_tokens;
    st->primed = true;
    return t1 - t0;
}

/* n single-token decodes after the prompt, each followed by sampling; returns microseconds or -1. */
static int64_t run_gen(struct state *st, int n, llama_token *out, char *err, size_t err_len) {
    if (!st->primed) {
        snprintf(err, err_len, "gen needs a prefill first");
        return -1;
    }

    uint32_t lcg = 12345;
    llama_token token = st->next;
    int64_t t0 = now_us();
    for (int i = 0; i < n; i++) {
        st->batch.n_tokens = 0;
        batch_add(&st->batch, token, st->n_past, true);
        int rc = llama_decode(st->ctx, st->batch);
        if (rc != 0) {
            snprintf(err, err_len, "llama_decode returned %d at position %d", rc, st->n_past);
            st->primed = false;
            return -1;
        }

        st->n_past++;
        if (st->sample_argmax) {
            token = argmax(llama_get_logits_ith(st->ctx, 0), st->n_vocab);
        } else {
            llama_synchronize(st->ctx);
            lcg = lcg * 1103515245u + 12345u;
            token = (llama_token)(lcg % (uint32_t)st->n_vocab);
        }
        out[i] = token;
    }
    int64_t t1 = now_us();
    st->next = token;
    return t1 - t0;
}

/* Batched generation of s sequences sharing the prompt: n steps of s tokens; returns microseconds or -1. */
static int64_t run_parallel(struct state *st, int s, int n, int n_seq_max, char *err, size_t err_len) {
    if (s < 1 || s > n_seq_max || s > st->n_batch || n < 1 || st->n_tokens < 1) {
        snprintf(err, err_len, "par needs tokens, 1 <= s <= %d sequences and n >= 1", n_seq_max);
        return -1;
    }

    int64_t prefill = run_prefill(st, 0, err, err_len);
    if (prefill < 0) return -1;
    llama_memory_t mem = llama_get_memory(st->ctx);
    for (int q = 1; q < s; q++) {
        llama_memory_seq_cp(mem, 0, q, -1, -1);
    }

    llama_token next[256];
    for (int q = 0; q < s && q < 256; q++) next[q] = st->next;
    int64_t t0 = now_us();
    for (int i = 0; i < n; i++) {
        st->batch.n_tokens = 0;
        for (int q = 0; q < s; q++) {
            batch_add_seq(&st->batch, next[q], st->n_past, q, true);
        }

        int rc = llama_decode(st->ctx, st->batch);
        if (rc != 0) {
            snprintf(err, err_len, "llama_decode returned %d at step %d", rc, i);
            st->primed = false;
            return -1;
        }

        st->n_past++;
        for (int q = 0; q < s; q++) {
            next[q] = argmax(llama_get_logits_ith(st->ctx, q), st->n_vocab);
        }
    }
    int64_t t1 = now_us();
    st->primed = false;
    return t1 - t0;
}

static int ensure_tokens(struct state *st, int n) {
    if (n <= st->cap_tokens) return 0;
    llama_token *grown = realloc(st->tokens, (size_t)n * sizeof(llama_token));
    if (grown == NULL) return -1;
    st->tokens = grown;
    st->cap_tokens = n;
    return 0;
}

static int serve(struct state *st, int n_seq_max) {
    char *line = NULL;
    size_t cap = 0;
    char err[256];
    llama_token *gen = NULL;
    int gen_cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "tokens", 6) == 0) {
            int n = 0;
            char *p = line + 6;
            for (char *q = p; *q; q++) n += (*q == ' ');
            if (ensure_tokens(st, n) != 0) {
                printf("ERR out of memory\n");
                fflush(stdout);
                continue;
            }
            n = 0;
            char *end;
            for (long v = strtol(p, &end, 10); end != p; v = strtol(p, &end, 10)) {
                if (v < 0 || v >= st->n_vocab) break;
                st->tokens[n++] = (llama_token)v;
                p = end;
            }
            st->n_tokens = n;
            st->primed = false;
            if (*p != '\0' && *p != ' ') printf("ERR bad token list at '%.20s'\n", p);
            else printf("OK n=%d\n", n);
        } else if (strncmp(line, "prefill ", 8) == 0) {
            int k = atoi(line + 8);
            int64_t us = run_prefill(st, k, err, sizeof err);
            if (us < 0) printf("ERR %s\n", err);
            else printf("PP n=%d us=%lld next=%d\n", st->n_tokens - k, (long long)us, st->next);
        } else if (strncmp(line, "gen ", 4) == 0) {
            int n = atoi(line + 4);
            if (n < 1 || st->n_past + n > (int)llama_n_ctx(st->ctx)) {
                printf("ERR gen needs 1 <= n and room in the context\n");
            } else {
                if (n > gen_cap) {
                    free(gen);
                    gen = malloc((size_t)n * sizeof(llama_token));
                    gen_cap = gen ? n : 0;
                }
                int64_t us = gen ? run_gen(st, n, gen, err, sizeof err) : -1;
                if (us < 0) {
                    printf("ERR %s\n", gen ? err : "out of memory");
                } else {
                    printf("TG n=%d us=%lld tokens=", n, (long long)us);
                    for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", gen[i]);
                    printf("\n");
                }
            }
        } else if (strncmp(line, "par ", 4) == 0) {
            int s = 0, n = 0;
            if (sscanf(line + 4, "%d %d", &s, &n) != 2 || s > 256) {
                printf("ERR par needs <streams <= 256> <steps>\n");
            } else {
                int64_t us = run_parallel(st, s, n, n_seq_max, err, sizeof err);
                if (us < 0) printf("ERR %s\n", err);
                else printf("PAR s=%d n=%d us=%lld\n", s, n, (long long)us);
            }
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            printf("ERR unknown command '%.40s'\n", line);
        }
        fflush(stdout);
    }

    free(gen);
    free(line);
    return 0;
}

/* llama-bench style: a prompt of BOS + pseudo-random tokens; pp and tg timed separately, after one warm-up. */
static int standalone(struct state *st, const struct settings *s, const struct llama_vocab *vocab) {
    char err[256];
    int n = s->n_prompt;
    if (ensure_tokens(st, n) != 0) return 1;
    uint32_t lcg = 42;
    st->tokens[0] = llama_vocab_bos(vocab);
    for (int i = 1; i < n; i++) {
        lcg = lcg * 1103515245u + 12345u;
        st->tokens[i] = (llama_token)((lcg >> 8) % (uint32_t)st->n_vocab);
    }
    st->n_tokens = n;

    llama_token *gen = malloc((size_t)s->n_gen * sizeof(llama_token));
    double *pp = malloc((size_t)s->reps * sizeof(double));
    double *tg = malloc((size_t)s->reps * sizeof(double));
    if (!gen || !pp || !tg) return 1;
    for (int r = -1; r < s->reps; r++) {
        int64_t pp_us = run_prefill(st, 0, err, sizeof err);
        int64_t tg_us = pp_us < 0 ? -1 : run_gen(st, s->n_gen, gen, err, sizeof err);
        if (pp_us < 0 || tg_us < 0) {
            fprintf(stderr, "error: %s\n", err);
            return 1;
        }
        if (r >= 0) {
            pp[r] = n * 1e6 / (double)pp_us;
            tg[r] = s->n_gen * 1e6 / (double)tg_us;
            printf("REP %d pp%d %.2f tok/s tg%d %.2f tok/s\n", r, n, pp[r], s->n_gen, tg[r]);
        }
    }

    printf("RESULT tps.pp.native %.3f\n", median(pp, s->reps));
    printf("RESULT tps.tg.native %.3f\n", median(tg, s->reps));
    free(gen);
    free(pp);
    free(tg);
    return 0;
}

int main(int argc, char **argv) {
    struct settings s;
    if (parse_args(argc, argv, &s) != 0) return 2;
    log_all = s.log_all;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (init_backends(s.backend_module) != 0) return 1;
    struct llama_model *model = load_model(s.model, s.gpu_layers);
    if (model == NULL) return 1;

    struct llama_context_params cp =
        base_context_params(s.ctx, s.batch, s.ubatch, s.seq_max, s.threads, s.batch_threads, s.flash_attn);
    cp.swa_full = s.swa_full != 0;
    cp.embeddings = false;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        fprintf(stderr, "error: cannot create a context of %d tokens\n", s.ctx);
        llama_model_free(model);
        return 1;
    }

    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    struct state st = {.ctx = ctx, .n_vocab = llama_vocab_n_tokens(vocab), .n_batch = s.batch,
                       .sample_argmax = s.sample_argmax, .batch = llama_batch_init(s.batch, 0, 1)};
    /* The same marker on stderr first: a reader of both pipes then knows it has every log line of the set-up. */
    fprintf(stderr, "READY\n");
    fflush(stderr);
    printf("READY vocab=%d ctx=%u batch=%d ubatch=%d seq=%d threads=%d/%d fa=%d swa_full=%d ngl=%d sample=%s ",
           st.n_vocab, llama_n_ctx(ctx), s.batch, s.ubatch, s.seq_max, s.threads, s.batch_threads, s.flash_attn,
           s.swa_full, s.gpu_layers, s.sample_argmax ? "argmax" : "none");
    print_layouts();
    printf("\n");

    int rc = s.serve ? serve(&st, s.seq_max) : standalone(&st, &s, vocab);

    free(st.tokens);
    llama_batch_free(st.batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return rc;
}
