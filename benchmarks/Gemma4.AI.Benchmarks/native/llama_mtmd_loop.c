/*
 * llama_mtmd_loop: the native baseline of the Gemma4.AI image and audio figures.
 *
 * A plain C loop over the bundled libmtmd.so and libllama.so, as a llama.cpp program would use them: load the text
 * model (mmap) and its projector, create one context, then, per request, decode the media bytes
 * (mtmd_helper_bitmap_init_from_buf: stb_image or miniaudio), split the rendered prompt at the media marker
 * (mtmd_tokenize), evaluate the chunks (mtmd_helper_eval_chunk_single per chunk, the loop mtmd_helper_eval_chunks runs:
 * text decodes, the media encode, the embeddings' decode) and pick the first token by argmax over the logits: time to
 * first token.
 *
 * Like a server, it keeps its sequence between requests and reuses the longest common prefix of the text before the
 * first medium (a medium is never reused: each request brings a new one), so it decodes what Gemma4ChatClient decodes.
 *
 * Built at benchmark time with the machine's C compiler against the same libraries the .NET side loads:
 *   cc -O2 -std=c11 -o llama_mtmd_loop llama_mtmd_loop.c -L<dir> -lllama -lggml -lggml-base -lmtmd -Wl,-rpath,<dir>
 * The struct layouts are printed at start-up (READY line) so the caller can check them against its own definitions.
 *
 * Two modes:
 *   standalone (default): --prompt FILE (the rendered prompt, the media marker where the medium goes) and --media FILE;
 *     one warm-up, then --reps requests, each after clearing the cache; prints "RESULT ms.ttft.native <median>".
 *   --serve: reads commands from stdin, one per line, and answers one line each (used by Gemma4.AI.Benchmarks):
 *     prompt <file>          the rendered prompt (UTF-8, the media marker where the medium goes)  -> OK bytes=<n>
 *     media <file>           the medium's bytes (PNG, JPEG, WAV, MP3, ...)                        -> OK bytes=<n>
 *     ttft                   one timed request as above
 *                            -> TTFT us=<microseconds> n=<positions> reused=<tokens> media=<tokens> first=<token>
 *                               cpu_us=<this process's CPU time during the request>
 *     encode                 the medium alone: decode and tokenize (prep), then mtmd_encode_chunk (timed)
 *                            -> ENCODE us=<microseconds> prep_us=<microseconds> tokens=<n>
 *     clear                  forget the cached sequence                                            -> OK cleared=1
 *     quit
 *   Errors answer "ERR <message>".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama_b10221.h"

struct settings {
    const char *model;
    const char *mmproj;
    const char *backend_module;
    const char *prompt_file;
    const char *media_file;
    int threads;
    int ctx;
    int batch;
    int ubatch;
    int seq_max;
    int flash_attn;
    int swa_full;
    int gpu_layers;
    int image_min_tokens;
    int image_max_tokens;
    int log_all;
    int serve;
    int reps;
};

struct state {
    struct llama_context *ctx;
    struct mtmd_context *mtmd;
    int n_vocab;
    int n_batch;
    struct llama_batch batch;
    char *prompt;
    size_t prompt_len;
    unsigned char *media;
    size_t media_len;
    /* The text tokens before the first medium of the last request: their KV cells are still in sequence 0. */
    llama_token *cached;
    size_t n_cached;
};

static int usage(void) {
    fprintf(stderr,
            "usage: llama_mtmd_loop -m MODEL --mmproj MMPROJ [-t THREADS] [-c CTX] [-b BATCH] [-ub UBATCH] [-s SEQ_MAX] [-fa on|off|auto]\n"
            "         [--swa-full 0|1] [-ngl GPU_LAYERS] [--backend-module PATH] [--image-min-tokens N] [--image-max-tokens N]\n"
            "         [--log-all] [--serve | --prompt FILE --media FILE -r REPS]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct settings *s) {
    *s = (struct settings){.threads = 2, .ctx = 4096, .batch = 2048, .ubatch = 512, .seq_max = 1, .flash_attn = FLASH_ATTN_ENABLED,
                           .image_min_tokens = -1, .image_max_tokens = -1, .reps = 3};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(name) (strcmp(a, name) == 0 && v != NULL && ++i)
        if (TAKE("-m")) s->model = v;
        else if (TAKE("--mmproj")) s->mmproj = v;
        else if (TAKE("-t")) s->threads = atoi(v);
        else if (TAKE("-c")) s->ctx = atoi(v);
        else if (TAKE("-b")) s->batch = atoi(v);
        else if (TAKE("-ub")) s->ubatch = atoi(v);
        else if (TAKE("-s")) s->seq_max = atoi(v);
        else if (TAKE("-ngl")) s->gpu_layers = atoi(v);
        else if (TAKE("--swa-full")) s->swa_full = atoi(v) != 0;
        else if (TAKE("--backend-module")) s->backend_module = v;
        else if (TAKE("--image-min-tokens")) s->image_min_tokens = atoi(v);
        else if (TAKE("--image-max-tokens")) s->image_max_tokens = atoi(v);
        else if (TAKE("--prompt")) s->prompt_file = v;
        else if (TAKE("--media")) s->media_file = v;
        else if (TAKE("-r")) s->reps = atoi(v);
        else if (TAKE("-fa")) {
            s->flash_attn = parse_flash_attn(v);
            if (s->flash_attn == -2) return usage();
        } else if (strcmp(a, "--serve") == 0) s->serve = 1;
        else if (strcmp(a, "--log-all") == 0) s->log_all = 1;
        else return usage();
#undef TAKE
    }

    if (s->model == NULL || s->mmproj == NULL || s->threads < 1 || s->ctx < 16 || s->batch < 1 || s->ubatch < 1
        || s->ubatch > s->batch || s->seq_max < 1 || s->reps < 1 || (!s->serve && (s->prompt_file == NULL || s->media_file == NULL))) {
        return usage();
    }
    return 0;
}

/* Reads a whole file; NULL on failure. The buffer gets a terminating NUL (not counted). */
static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    unsigned char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            unsigned char *grown = realloc(data, cap);
            if (grown == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = grown;
        }
        size_t got = fread(data + n, 1, 65536, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    data[n] = 0;
    *len = n;
    return data;
}

/* Decodes tokens[from, to) at positions from.. in chunks of n_batch; logits for the last one when asked. */
static int decode_tokens(struct state *st, const llama_token *tokens, int from, int to, bool last_logits) {
    for (int start = from; start < to; start += st->n_batch) {
        int end = start + st->n_batch < to ? start + st->n_batch : to;
        st->batch.n_tokens = 0;
        for (int i = start; i < end; i++) {
            int k = st->batch.n_tokens++;
            st->batch.token[k] = tokens[i];
            st->batch.pos[k] = i;
            st->batch.n_seq_id[k] = 1;
            st->batch.seq_id[k][0] = 0;
            st->batch.logits[k] = last_logits && i == to - 1;
        }
        int rc = llama_decode(st->ctx, st->batch);
        if (rc != 0) return rc;
    }
    return 0;
}

/* The medium as chunks: the prompt split at the marker. Returns NULL with a reason in err. */
static struct mtmd_input_chunks *tokenize(struct state *st, const char *text, size_t text_len, char *err, size_t err_len) {
    struct mtmd_helper_bitmap_wrapper wrapped = mtmd_helper_bitmap_init_from_buf(st->mtmd, st->media, st->media_len, false);
    if (wrapped.bitmap == NULL) {
        snprintf(err, err_len, "mtmd could not decode the medium");
        return NULL;
    }
    struct mtmd_input_chunks *chunks = mtmd_input_chunks_init();
    struct mtmd_input_text input = {.text = text, .n_text = text_len, .add_special = false, .parse_special = true};
    const struct mtmd_bitmap *bitmaps[1] = {wrapped.bitmap};
    int32_t rc = mtmd_tokenize(st->mtmd, chunks, &input, bitmaps, 1);
    mtmd_bitmap_free(wrapped.bitmap);
    if (rc != 0) {
        snprintf(err, err_len, "mtmd_tokenize returned %d", rc);
        mtmd_input_chunks_free(chunks);
        return NULL;
    }
    return chunks;
}

/* One request: decode the medium, tokenize, reuse the cached text prefix, evaluate, argmax. Microseconds or -1. */
static int64_t run_ttft(struct state *st, int *n_pos, int *reused, int *media_tokens, llama_token *first, int64_t *cpu,
                        char *err, size_t err_len) {
    if (st->prompt == NULL || st->media == NULL) {
        snprintf(err, err_len, "ttft needs a prompt and a medium");
        return -1;
    }

    int64_t t0 = now_us();
    int64_t c0 = cpu_us();
    struct mtmd_input_chunks *chunks = tokenize(st, st->prompt, st->prompt_len, err, err_len);
    if (chunks == NULL) return -1;

    size_t count = mtmd_input_chunks_size(chunks);
    const struct mtmd_input_chunk *head = mtmd_input_chunks_get(chunks, 0);
    size_t n_head = 0;
    const llama_token *head_tokens = mtmd_input_chunk_get_type(head) == MTMD_INPUT_CHUNK_TYPE_TEXT
        ? mtmd_input_chunk_get_tokens_text(head, &n_head) : NULL;

    /* The longest common prefix with the cached text; when the head is the whole prompt, one token is left to decode
     * for the logits (a medium after the head gives them otherwise). */
    size_t common = 0;
    while (common < st->n_cached && common < n_head && st->cached[common] == head_tokens[common]) common++;
    if (common == n_head && n_head > 0 && count == 1) common--;
    llama_memory_t mem = llama_get_memory(st->ctx);
    if (!llama_memory_seq_rm(mem, 0, (llama_pos)common, -1)) {
        llama_memory_clear(mem, true);
        common = 0;
    }

    int rc = 0;
    llama_pos n_past = (llama_pos)n_head;
    if (n_head > 0) rc = decode_tokens(st, head_tokens, (int)common, (int)n_head, count == 1);
    int media = 0;
    for (size_t i = 1; i < count; i++) {
        if (mtmd_input_chunk_get_type(mtmd_input_chunks_get(chunks, i)) != MTMD_INPUT_CHUNK_TYPE_TEXT) {
            media += (int)mtmd_input_chunk_get_n_tokens(mtmd_input_chunks_get(chunks, i));
        }
    }

    /* The rest (the medium, the text after it) chunk by chunk through the helper, as mtmd_helper_eval_chunks does for
     * every chunk (it cannot start inside the head, whose cached prefix is reused). */
    for (size_t i = 1; i < count && rc == 0; i++) {
        llama_pos new_n_past = n_past;
        rc = mtmd_helper_eval_chunk_single(st->mtmd, st->ctx, mtmd_input_chunks_get(chunks, i), n_past, 0, st->n_batch,
                                           i == count - 1, &new_n_past);
        n_past = new_n_past;
    }

    if (rc != 0) {
        snprintf(err, err_len, "evaluating the chunks returned %d", rc);
        mtmd_input_chunks_free(chunks);
        st->n_cached = 0;
        llama_memory_clear(mem, true);
        return -1;
    }

    *first = argmax(llama_get_logits_ith(st->ctx, -1), st->n_vocab);
    int64_t t1 = now_us();
    *cpu = cpu_us() - c0;

    /* Remember the head: its KV cells stay for the next request's prefix. */
    llama_token *grown = realloc(st->cached, (n_head ? n_head : 1) * sizeof(llama_token));
    if (grown != NULL) {
        st->cached = grown;
        memcpy(st->cached, head_tokens, n_head * sizeof(llama_token));
        st->n_cached = n_head;
    } else {
        st->n_cached = 0;
    }

    *n_pos = n_past;
    *reused = (int)common;
    *media_tokens = media;
    mtmd_input_chunks_free(chunks);
    return t1 - t0;
}

/* The medium alone: decode and tokenize it (prep), then encode its chunk (timed). Microseconds or -1. */
static int64_t run_encode(struct state *st, int64_t *prep_us, int *tokens, char *err, size_t err_len) {
    if (st->media == NULL) {
        snprintf(err, err_len, "encode needs a medium");
        return -1;
    }
    const char *marker = mtmd_default_marker();
    int64_t t0 = now_us();
    struct mtmd_input_chunks *chunks = tokenize(st, marker, strlen(marker), err, err_len);
    if (chunks == NULL) return -1;
    const struct mtmd_input_chunk *media = NULL;
    for (size_t i = 0; i < mtmd_input_chunks_size(chunks); i++) {
        if (mtmd_input_chunk_get_type(mtmd_input_chunks_get(chunks, i)) != MTMD_INPUT_CHUNK_TYPE_TEXT) {
            media = mtmd_input_chunks_get(chunks, i);
            break;
        }
    }
    int64_t t1 = now_us();
    int rc = media == NULL ? -1 : mtmd_encode_chunk(st->mtmd, media);
    int64_t t2 = now_us();
    *tokens = media == NULL ? 0 : (int)mtmd_input_chunk_get_n_tokens(media);
    mtmd_input_chunks_free(chunks);
    if (rc != 0) {
        snprintf(err, err_len, media == NULL ? "no media chunk" : "mtmd_encode_chunk returned %d", rc);
        return -1;
    }
    *prep_us = t1 - t0;
    return t2 - t1;
}

static int load_into(const char *path, unsigned char **data, size_t *len) {
    size_t n = 0;
    unsigned char *bytes = read_file(path, &n);
    if (bytes == NULL) return -1;
    free(*data);
    *data = bytes;
    *len = n;
    return 0;
}

static int serve(struct state *st) {
    char *line = NULL;
    size_t cap = 0;
    char err[256];
    while (getline(&line, &cap, stdin) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "prompt ", 7) == 0) {
            if (load_into(line + 7, (unsigned char **)&st->prompt, &st->prompt_len) != 0) printf("ERR cannot read %s\n", line + 7);
            else printf("OK bytes=%zu\n", st->prompt_len);
        } else if (strncmp(line, "media ", 6) == 0) {
            if (load_into(line + 6, &st->media, &st->media_len) != 0) printf("ERR cannot read %s\n", line + 6);
            else printf("OK bytes=%zu\n", st->media_len);
        } else if (strcmp(line, "ttft") == 0) {
            int n_pos = 0, reused = 0, media = 0;
            llama_token first = -1;
            int64_t cpu = 0;
            int64_t us = run_ttft(st, &n_pos, &reused, &media, &first, &cpu, err, sizeof err);
            if (us < 0) printf("ERR %s\n", err);
            else printf("TTFT us=%lld n=%d reused=%d media=%d first=%d cpu_us=%lld\n", (long long)us, n_pos, reused, media, first, (long long)cpu);
        } else if (strcmp(line, "encode") == 0) {
            int64_t prep = 0;
            int tokens = 0;
            int64_t us = run_encode(st, &prep, &tokens, err, sizeof err);
            if (us < 0) printf("ERR %s\n", err);
            else printf("ENCODE us=%lld prep_us=%lld tokens=%d\n", (long long)us, (long long)prep, tokens);
        } else if (strcmp(line, "clear") == 0) {
            llama_memory_clear(llama_get_memory(st->ctx), true);
            st->n_cached = 0;
            printf("OK cleared=1\n");
        } else if (strcmp(line, "quit") == 0) {
            break;
        } else {
            printf("ERR unknown command '%.40s'\n", line);
        }
        fflush(stdout);
    }
    free(line);
    return 0;
}

static int standalone(struct state *st, const struct settings *s) {
    char err[256];
    if (load_into(s->prompt_file, (unsigned char **)&st->prompt, &st->prompt_len) != 0
        || load_into(s->media_file, &st->media, &st->media_len) != 0) {
        fprintf(stderr, "error: cannot read %s or %s\n", s->prompt_file, s->media_file);
        return 1;
    }
    double *ms = malloc((size_t)s->reps * sizeof(double));
    if (ms == NULL) return 1;
    for (int r = -1; r < s->reps; r++) {
        llama_memory_clear(llama_get_memory(st->ctx), true);
        st->n_cached = 0;
        int n_pos = 0, reused = 0, media = 0;
        llama_token first = -1;
        int64_t cpu = 0;
        int64_t us = run_ttft(st, &n_pos, &reused, &media, &first, &cpu, err, sizeof err);
        if (us < 0) {
            fprintf(stderr, "error: %s\n", err);
            free(ms);
            return 1;
        }
        if (r >= 0) {
            ms[r] = us / 1000.0;
            printf("REP %d ttft %.1f ms (%d positions, %d media tokens, first token %d)\n", r, ms[r], n_pos, media, first);
        }
    }
    printf("RESULT ms.ttft.native %.3f\n", median(ms, s->reps));
    free(ms);
    return 0;
}

int main(int argc, char **argv) {
    struct settings s;
    if (parse_args(argc, argv, &s) != 0) return 2;
    log_all = s.log_all;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (init_backends(s.backend_module) != 0) return 1;
    mtmd_log_set(on_log, NULL);
    mtmd_helper_log_set(on_log, NULL);
    struct llama_model *model = load_model(s.model, s.gpu_layers);
    if (model == NULL) return 1;

    struct llama_context_params cp = base_context_params(s.ctx, s.batch, s.ubatch, s.seq_max, s.threads, s.threads, s.flash_attn);
    cp.swa_full = s.swa_full != 0;
    cp.embeddings = false;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        fprintf(stderr, "error: cannot create a context of %d tokens\n", s.ctx);
        llama_model_free(model);
        return 1;
    }

    /* The projector with the settings Gemma4.AI gives it: mtmd's defaults, then threads, GPU, warm-up and token budget. */
    struct mtmd_context_params mp = mtmd_context_params_default();
    mp.use_gpu = s.gpu_layers != 0;
    mp.print_timings = false;
    mp.n_threads = s.threads;
    mp.warmup = true;
    mp.image_min_tokens = s.image_min_tokens;
    mp.image_max_tokens = s.image_max_tokens;
    struct mtmd_context *mtmd = mtmd_init_from_file(s.mmproj, model, mp);
    if (mtmd == NULL) {
        fprintf(stderr, "error: cannot load the projector %s\n", s.mmproj);
        llama_free(ctx);
        llama_model_free(model);
        return 1;
    }

    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    struct state st = {.ctx = ctx, .mtmd = mtmd, .n_vocab = llama_vocab_n_tokens(vocab), .n_batch = s.batch,
                       .batch = llama_batch_init(s.batch, 0, 1)};
    fprintf(stderr, "READY\n");
    fflush(stderr);
    printf("READY vocab=%d ctx=%u batch=%d ubatch=%d seq=%d threads=%d fa=%d swa_full=%d ngl=%d vision=%d audio=%d "
           "image_tokens=%d..%d fa_mtmd=%d sizeof_mtmd_params=%zu off_mtmd_media_marker=%zu off_mtmd_image_max_tokens=%zu "
           "off_mtmd_batch_max_tokens=%zu sizeof_mtmd_input_text=%zu ",
           st.n_vocab, llama_n_ctx(ctx), s.batch, s.ubatch, s.seq_max, s.threads, s.flash_attn, s.swa_full, s.gpu_layers,
           mtmd_support_vision(mtmd), mtmd_support_audio(mtmd), s.image_min_tokens, s.image_max_tokens, mp.flash_attn_type,
           sizeof(struct mtmd_context_params), offsetof(struct mtmd_context_params, media_marker),
           offsetof(struct mtmd_context_params, image_max_tokens), offsetof(struct mtmd_context_params, batch_max_tokens),
           sizeof(struct mtmd_input_text));
    print_layouts();
    printf("\n");

    int rc = s.serve ? serve(&st) : standalone(&st, &s);

    free(st.prompt);
    free(st.media);
    free(st.cached);
    llama_batch_free(st.batch);
    mtmd_free(mtmd);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return rc;
}
