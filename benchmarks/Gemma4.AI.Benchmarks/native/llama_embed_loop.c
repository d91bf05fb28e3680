/*
 * llama_embed_loop: the native embedding baseline of the Gemma4.AI benchmarks.
 *
 * A plain C loop over the bundled libllama.so that embeds texts the way Gemma4EmbeddingGenerator does, with nothing
 * else: one embedding context (n_ctx = n_batch = n_ubatch, pooled, no KV cache kept between decodes); each text
 * tokenized as BOS + the text as plain text + EOS (BOS/EOS where the vocabulary asks for them); the texts packed in
 * order into decodes (one sequence per text, positions from 0) of at most --pack tokens (a longer text gets a decode of
 * its own length) and -s sequences; after each decode llama.cpp's pooled vector of every sequence is copied out, and
 * at the end every vector is L2-normalised (norm summed in double, in order, as the generator does). The same texts
 * through the same libllama.so with the same settings, so the benchmark's ratio shows what our generator adds.
 *
 * Built at benchmark time with the machine's C compiler against the libllama.so the .NET side loads (see
 * llama_bench_loop.c); llama_b10221.h declares the llama.cpp functions it uses.
 *
 *   standalone: llama_embed_loop -m MODEL [settings] --texts FILE [-r REPS]   (one text per line; prints RESULT lines)
 *   --serve: reads commands from stdin, one per line, and answers one line each:
 *     text <text>   append an input (the rest of the line, task prompt included)           -> OK n=<inputs>
 *     clear         forget the inputs                                                       -> OK n=0
 *     embed         tokenize, pack, decode, pool and normalise every input, timed as a whole (wall and process CPU)
 *                                      -> EMB n=<inputs> tokens=<total> decodes=<k> us=<microseconds> cpu_us=<microseconds>
 *     vec <i>       input i's vector from the last embed, each float's bits in hex
 *                                                        -> VEC i=<i> dim=<d> bits=<x,x,...>
 *     quit
 *   Errors answer "ERR <message>".
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama_b10221.h"

struct settings {
    const char *model;
    const char *backend_module;
    const char *texts;
    int threads;
    int batch;
    int pack;
    int seq_max;
    int flash_attn;
    int pooling;
    int gpu_layers;
    int normalize;
    int serve;
    int reps;
};

struct inputs {
    char **text;
    int count;
    int cap;
};

struct embedder {
    struct llama_context *ctx;
    const struct llama_vocab *vocab;
    llama_memory_t memory;
    struct llama_batch batch;
    int n_batch;
    int pack;
    int seq_max;
    int dim;
    int normalize;
    llama_token bos;
    llama_token eos;
    llama_token *tokens; /* every input's tokens, back to back */
    int *offset;         /* input i's tokens start at tokens[offset[i]] and end at tokens[offset[i + 1]] */
    int cap_tokens;
    int cap_inputs;
    int *in_batch;       /* which input each sequence of the current decode holds */
    float *vectors;      /* dim floats per input, from the last embed */
    int n_vectors;
};

static int usage(void) {
    fprintf(stderr,
            "usage: llama_embed_loop -m MODEL [-t THREADS] [-b BATCH] [--pack TOKENS] [-s SEQ_MAX] [-fa on|off|auto]\n"
            "         [--pooling mean|cls|last] [-ngl GPU_LAYERS] [--backend-module PATH] [--normalize 0|1] [--log-all]\n"
            "         [--serve | --texts FILE [-r REPS]]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct settings *s) {
    *s = (struct settings){.threads = 2, .batch = 2048, .pack = 256, .seq_max = 64, .flash_attn = FLASH_ATTN_AUTO,
                           .pooling = POOLING_MEAN, .normalize = 1, .reps = 5};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(name) (strcmp(a, name) == 0 && v != NULL && ++i)
        if (TAKE("-m")) s->model = v;
        else if (TAKE("-t")) s->threads = atoi(v);
        else if (TAKE("-b")) s->batch = atoi(v);
        else if (TAKE("--pack")) s->pack = atoi(v);
        else if (TAKE("-s")) s->seq_max = atoi(v);
        else if (TAKE("-ngl")) s->gpu_layers = atoi(v);
        else if (TAKE("--backend-module")) s->backend_module = v;
        else if (TAKE("--normalize")) s->normalize = atoi(v) != 0;
        else if (TAKE("--texts")) s->texts = v;
        else if (TAKE("-r")) s->reps = atoi(v);
        else if (TAKE("-fa")) {
            if ((s->flash_attn = parse_flash_attn(v)) == -2) return usage();
        } else if (TAKE("--pooling")) {
            s->pooling = strcmp(v, "mean") == 0 ? POOLING_MEAN
                       : strcmp(v, "cls") == 0 ? POOLING_CLS
                       : strcmp(v, "last") == 0 ? POOLING_LAST : -2;
            if (s->pooling == -2) return usage();
        } else if (strcmp(a, "--serve") == 0) s->serve = 1;
        else if (strcmp(a, "--log-all") == 0) log_all = 1;
        else return usage();
#undef TAKE
    }

    if (s->model == NULL || s->threads < 1 || s->batch < 1 || s->pack < 1 || s->pack > s->batch || s->seq_max < 1
        || s->seq_max > s->batch || s->reps < 1 || (!s->serve && s->texts == NULL)) {
        return usage();
    }

    return 0;
}

static int add_input(struct inputs *in, const char *text) {
    if (in->count == in->cap) {
        int cap = in->cap ? in->cap * 2 : 256;
        char **grown = realloc(in->text, (size_t)cap * sizeof *grown);
        if (grown == NULL) return -1;
        in->text = grown;
        in->cap = cap;
    }
    char *copy = strdup(text);
    if (copy == NULL) return -1;
    in->text[in->count++] = copy;
    return 0;
}

static void clear_inputs(struct inputs *in) {
    for (int i = 0; i < in->count; i++) free(in->text[i]);
    in->count = 0;
}

static void *grow(void *p, int *cap, int needed, size_t size) {
    if (needed <= *cap) return p;
    int n = *cap ? *cap : 1024;
    while (n < needed) n *= 2;
    void *q = realloc(p, (size_t)n * size);
    if (q != NULL) *cap = n;
    return q;
}

/* Tokenizes input i at tokens[at]: BOS, the text as plain text, EOS; returns the count or -1. */
static int tokenize(struct embedder *e, const char *text, int at, char *err, size_t err_len) {
    int len = (int)strlen(text);
    int specials = (e->bos >= 0) + (e->eos >= 0);
    for (;;) {
        int room = e->cap_tokens - at - specials;
        int n = room > 0 ? llama_tokenize(e->vocab, text, len, e->tokens + at + (e->bos >= 0), room, false, false) : -(len + 1);
        if (n >= 0) {
            if (n + specials > e->n_batch) {
                snprintf(err, err_len, "an input has %d tokens; the batch holds %d", n + specials, e->n_batch);
                return -1;
            }
            if (e->bos >= 0) e->tokens[at] = e->bos;
            if (e->eos >= 0) e->tokens[at + (e->bos >= 0) + n] = e->eos;
            return n + specials;
        }

        llama_token *grown = grow(e->tokens, &e->cap_tokens, at + specials - n, sizeof *grown);
        if (grown == NULL) {
            snprintf(err, err_len, "out of memory");
            return -1;
        }
        e->tokens = grown;
    }
}

/* Embeds every input; returns microseconds or -1. *n_tokens and *n_decodes report the work done. */
static int64_t embed_all(struct embedder *e, const struct inputs *in, long *n_tokens, int *n_decodes, char *err, size_t err_len) {
    int64_t t0 = now_us();
    int *offset = grow(e->offset, &e->cap_inputs, in->count + 1, sizeof *offset);
    float *vectors = offset ? realloc(e->vectors, (size_t)in->count * (size_t)e->dim * sizeof *vectors + 1) : NULL;
    if (offset == NULL || vectors == NULL) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    e->offset = offset;
    e->vectors = vectors;
    e->n_vectors = 0;

    offset[0] = 0;
    for (int i = 0; i < in->count; i++) {
        int n = tokenize(e, in->text[i], offset[i], err, err_len);
        if (n < 0) return -1;
        offset[i + 1] = offset[i] + n;
    }

    int next = 0, decodes = 0;
    while (next < in->count) {
        e->batch.n_tokens = 0;
        int seqs = 0, budget = e->pack;
        while (next < in->count && seqs < e->seq_max) {
            int len = offset[next + 1] - offset[next];
            if (seqs == 0) {
                if (len > budget) budget = len;
            } else if (e->batch.n_tokens + len > budget) {
                break;
            }

            const llama_token *t = e->tokens + offset[next];
            for (int p = 0; p < len; p++) {
                int k = e->batch.n_tokens++;
                e->batch.token[k] = t[p];
                e->batch.pos[k] = p;
                e->batch.n_seq_id[k] = 1;
                e->batch.seq_id[k][0] = seqs;
                e->batch.logits[k] = 1;
            }
            e->in_batch[seqs++] = next++;
        }

        int rc = llama_decode(e->ctx, e->batch);
        decodes++;
        if (rc != 0) {
            snprintf(err, err_len, "llama_decode returned %d on a batch of %d tokens in %d sequences", rc, e->batch.n_tokens, seqs);
            return -1;
        }

        for (int s = 0; s < seqs; s++) {
            const float *pooled = llama_get_embeddings_seq(e->ctx, s);
            if (pooled == NULL) {
                snprintf(err, err_len, "no pooled embedding for sequence %d", s);
                return -1;
            }
            memcpy(vectors + (size_t)e->in_batch[s] * e->dim, pooled, (size_t)e->dim * sizeof *vectors);
        }

        if (e->memory != NULL) llama_memory_clear(e->memory, false);
    }

    if (e->normalize) {
        for (int i = 0; i < in->count; i++) {
            float *v = vectors + (size_t)i * e->dim;
            double sum = 0;
            for (int j = 0; j < e->dim; j++) sum += (double)v[j] * v[j];
            if (sum > 0) {
                double scale = 1.0 / sqrt(sum);
                for (int j = 0; j < e->dim; j++) v[j] = (float)(v[j] * scale);
            }
        }
    }

    int64_t t1 = now_us();
    e->n_vectors = in->count;
    *n_tokens = offset[in->count];
    *n_decodes = decodes;
    return t1 - t0;
}

static void print_vector(const struct embedder *e, int i) {
    printf("VEC i=%d dim=%d bits=", i, e->dim);
    const float *v = e->vectors + (size_t)i * e->dim;
    for (int j = 0; j < e->dim; j++) {
        uint32_t bits;
        memcpy(&bits, &v[j], sizeof bits);
        printf(j ? ",%08x" : "%08x", bits);
    }
    printf("\n");
}

static int serve(struct embedder *e, struct inputs *in) {
    char *line = NULL;
    size_t cap = 0;
    char err[256];
    ssize_t got;
    while ((got = getline(&line, &cap, stdin)) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "text ", 5) == 0) {
            if (add_input(in, line + 5) != 0) printf("ERR out of memory\n");
            else printf("OK n=%d\n", in->count);
        } else if (strcmp(line, "clear") == 0) {
            clear_inputs(in);
            e->n_vectors = 0;
            printf("OK n=0\n");
        } else if (strcmp(line, "embed") == 0) {
            long tokens = 0;
            int decodes = 0;
            int64_t cpu0 = cpu_us();
            int64_t us = in->count > 0 ? embed_all(e, in, &tokens, &decodes, err, sizeof err) : -1;
            int64_t cpu = cpu_us() - cpu0;
            if (in->count == 0) printf("ERR no inputs\n");
            else if (us < 0) printf("ERR %s\n", err);
            else printf("EMB n=%d tokens=%ld decodes=%d us=%lld cpu_us=%lld\n", in->count, tokens, decodes, (long long)us, (long long)cpu);
        } else if (strncmp(line, "vec ", 4) == 0) {
            int i = atoi(line + 4);
            if (i < 0 || i >= e->n_vectors) printf("ERR vec needs 0 <= i < %d\n", e->n_vectors);
            else print_vector(e, i);
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

/* One warm-up, then reps embeddings of the file's lines; prints RESULT tps.embeddings.native (median texts/s). */
static int standalone(struct embedder *e, struct inputs *in, const struct settings *s) {
    FILE *f = fopen(s->texts, "r");
    if (f == NULL) {
        fprintf(stderr, "error: cannot read %s\n", s->texts);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (add_input(in, line) != 0) return 1;
    }
    free(line);
    fclose(f);
    if (in->count == 0) {
        fprintf(stderr, "error: %s has no lines\n", s->texts);
        return 1;
    }

    double *tps = malloc((size_t)s->reps * sizeof *tps);
    if (tps == NULL) return 1;
    char err[256];
    for (int r = -1; r < s->reps; r++) {
        long tokens = 0;
        int decodes = 0;
        int64_t us = embed_all(e, in, &tokens, &decodes, err, sizeof err);
        if (us < 0) {
            fprintf(stderr, "error: %s\n", err);
            return 1;
        }
        if (r >= 0) {
            tps[r] = in->count * 1e6 / (double)us;
            printf("REP %d %d texts %ld tokens %d decodes %.2f texts/s\n", r, in->count, tokens, decodes, tps[r]);
        }
    }

    printf("RESULT tps.embeddings.native %.3f\n", median(tps, s->reps));
    free(tps);
    return 0;
}

int main(int argc, char **argv) {
    struct settings s;
    if (parse_args(argc, argv, &s) != 0) return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (init_backends(s.backend_module) != 0) return 1;
    struct llama_model *model = load_model(s.model, s.gpu_layers);
    if (model == NULL) return 1;

    /* As the generator's engine: the cache holds one batch, every input lies inside one micro-batch. */
    struct llama_context_params cp =
        base_context_params(s.batch, s.batch, s.batch, s.seq_max, s.threads, s.threads, s.flash_attn);
    cp.swa_full = false;
    cp.embeddings = true;
    cp.pooling_type = s.pooling;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        fprintf(stderr, "error: cannot create an embedding context of %d tokens and %d sequences\n", s.batch, s.seq_max);
        llama_model_free(model);
        return 1;
    }
    if (llama_pooling_type(ctx) != s.pooling) {
        fprintf(stderr, "error: llama.cpp created the context with pooling %d instead of %d\n", llama_pooling_type(ctx), s.pooling);
        return 1;
    }

    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    struct embedder e = {
        .ctx = ctx, .vocab = vocab, .memory = llama_get_memory(ctx), .batch = llama_batch_init(s.batch, 0, 1),
        .n_batch = s.batch, .pack = s.pack, .seq_max = s.seq_max, .dim = llama_model_n_embd_out(model),
        .normalize = s.normalize, .bos = llama_vocab_get_add_bos(vocab) ? llama_vocab_bos(vocab) : -1,
        .eos = llama_vocab_get_add_eos(vocab) ? llama_vocab_eos(vocab) : -1,
        .in_batch = malloc((size_t)s.seq_max * sizeof(int)),
    };
    struct inputs in = {0};
    /* The same marker on stderr first: a reader of both pipes then knows it has every log line of the set-up. */
    fprintf(stderr, "READY\n");
    fflush(stderr);
    printf("READY vocab=%d dim=%d pooling=%d ctx=%u batch=%d pack=%d seq=%d threads=%d fa=%d ngl=%d bos=%d eos=%d "
           "memory=%d normalize=%d ",
           llama_vocab_n_tokens(vocab), e.dim, llama_pooling_type(ctx), llama_n_ctx(ctx), s.batch, s.pack, s.seq_max,
           s.threads, s.flash_attn, s.gpu_layers, e.bos, e.eos, e.memory != NULL, s.normalize);
    print_layouts();
    printf("\n");

    int rc = e.in_batch == NULL ? 1 : s.serve ? serve(&e, &in) : standalone(&e, &in, &s);

    clear_inputs(&in);
    free(in.text);
    free(e.tokens);
    free(e.offset);
    free(e.in_batch);
    free(e.vectors);
    llama_batch_free(e.batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return rc;
}
