/*
 * The few declarations of the llama.cpp b10221 C API (815a2a5915f22ce6a760c676389c5dfe8535c08f, the version
 * LLamaSharp 0.30.0 bundles) that the Gemma4.AI native baselines use, written by us from the public header's
 * documentation (no llama.cpp headers needed), plus the helpers both loops share. The struct layouts are printed by
 * each loop at start-up (READY line) so the benchmark can check them against LLamaSharp's own definitions.
 */
#ifndef GEMMA4_AI_LLAMA_B10221_H
#define GEMMA4_AI_LLAMA_B10221_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int32_t llama_token;
typedef int32_t llama_pos;
typedef int32_t llama_seq_id;
struct llama_model;
struct llama_context;
struct llama_vocab;
struct llama_memory_i;
typedef struct llama_memory_i *llama_memory_t;

typedef bool (*llama_progress_cb)(float progress, void *user_data);
typedef void (*ggml_log_cb)(int level, const char *text, void *user_data);

struct llama_batch {
    int32_t n_tokens;
    llama_token *token;
    float *embd;
    llama_pos *pos;
    int32_t *n_seq_id;
    llama_seq_id **seq_id;
    int8_t *logits;
};

enum { LOAD_MODE_NONE = 0, LOAD_MODE_MMAP = 1 };
enum { SPLIT_MODE_NONE = 0, SPLIT_MODE_LAYER = 1 };
enum { FLASH_ATTN_AUTO = -1, FLASH_ATTN_DISABLED = 0, FLASH_ATTN_ENABLED = 1 };
enum { POOLING_UNSPECIFIED = -1, POOLING_NONE = 0, POOLING_MEAN = 1, POOLING_CLS = 2, POOLING_LAST = 3 };
enum { GGML_TYPE_F16 = 1 };
enum { GGML_LOG_LEVEL_WARN = 3, GGML_LOG_LEVEL_CONT = 5 };

struct llama_model_params {
    void **devices;
    const void *tensor_buft_overrides;
    int32_t n_gpu_layers;
    int32_t split_mode;
    int32_t load_mode;
    int32_t main_gpu;
    const float *tensor_split;
    llama_progress_cb progress_callback;
    void *progress_callback_user_data;
    const void *kv_overrides;
    bool vocab_only;
    bool check_tensors;
    bool use_extra_bufts;
    bool no_host;
    bool no_alloc;
    bool load_mtp;
};

struct llama_context_params {
    uint32_t n_ctx;
    uint32_t n_batch;
    uint32_t n_ubatch;
    uint32_t n_seq_max;
    uint32_t n_rs_seq;
    uint32_t n_outputs_max;
    int32_t n_threads;
    int32_t n_threads_batch;
    int32_t ctx_type;
    int32_t rope_scaling_type;
    int32_t pooling_type;
    int32_t attention_type;
    int32_t flash_attn_type;
    float rope_freq_base;
    float rope_freq_scale;
    float yarn_ext_factor;
    float yarn_attn_factor;
    float yarn_beta_fast;
    float yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void *cb_eval;
    void *cb_eval_user_data;
    int32_t type_k;
    int32_t type_v;
    void *abort_callback;
    void *abort_callback_data;
    bool embeddings;
    bool offload_kqv;
    bool no_perf;
    bool op_offload;
    bool swa_full;
    bool kv_unified;
    void *samplers;
    size_t n_samplers;
    struct llama_context *ctx_other;
};

extern void llama_backend_init(void);
extern void llama_backend_free(void);
extern void llama_log_set(ggml_log_cb callback, void *user_data);
extern const char *llama_print_system_info(void);
extern struct llama_model_params llama_model_default_params(void);
extern struct llama_context_params llama_context_default_params(void);
extern struct llama_model *llama_model_load_from_file(const char *path, struct llama_model_params params);
extern void llama_model_free(struct llama_model *model);
extern int32_t llama_model_n_embd_out(const struct llama_model *model);
extern struct llama_context *llama_init_from_model(struct llama_model *model, struct llama_context_params params);
extern void llama_free(struct llama_context *ctx);
extern int32_t llama_pooling_type(const struct llama_context *ctx);
extern const struct llama_vocab *llama_model_get_vocab(const struct llama_model *model);
extern int32_t llama_vocab_n_tokens(const struct llama_vocab *vocab);
extern llama_token llama_vocab_bos(const struct llama_vocab *vocab);
extern llama_token llama_vocab_eos(const struct llama_vocab *vocab);
extern bool llama_vocab_get_add_bos(const struct llama_vocab *vocab);
extern bool llama_vocab_get_add_eos(const struct llama_vocab *vocab);
extern int32_t llama_tokenize(const struct llama_vocab *vocab, const char *text, int32_t text_len, llama_token *tokens,
                              int32_t n_tokens_max, bool add_special, bool parse_special);
extern uint32_t llama_n_ctx(const struct llama_context *ctx);
extern struct llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max);
extern void llama_batch_free(struct llama_batch batch);
extern int32_t llama_decode(struct llama_context *ctx, struct llama_batch batch);
extern float *llama_get_logits_ith(struct llama_context *ctx, int32_t i);
extern float *llama_get_embeddings_seq(struct llama_context *ctx, llama_seq_id seq_id);
extern void llama_synchronize(struct llama_context *ctx);
extern llama_memory_t llama_get_memory(const struct llama_context *ctx);
extern void llama_memory_clear(llama_memory_t mem, bool data);
extern void llama_memory_seq_cp(llama_memory_t mem, llama_seq_id src, llama_seq_id dst, llama_pos p0, llama_pos p1);
extern bool llama_memory_seq_rm(llama_memory_t mem, llama_seq_id seq_id, llama_pos p0, llama_pos p1);
/* From libggml.so: backend modules (e.g. a CUDA build) and the device list. */
extern void *ggml_backend_load(const char *path);
extern size_t ggml_backend_dev_count(void);
extern void *ggml_backend_dev_get(size_t index);
extern const char *ggml_backend_dev_name(void *device);
extern const char *ggml_backend_dev_description(void *device);

/* From libmtmd.so (llama.cpp's multimodal library, same build): projectors, media chunks and the evaluation helpers.
 * Only llama_mtmd_loop.c uses these (linked with -lmtmd); layouts as in tools/mtmd/mtmd.h and mtmd-helper.h at b10221. */
struct mtmd_context;
struct mtmd_bitmap;
struct mtmd_input_chunks;
struct mtmd_input_chunk;
enum { MTMD_INPUT_CHUNK_TYPE_TEXT = 0, MTMD_INPUT_CHUNK_TYPE_IMAGE = 1, MTMD_INPUT_CHUNK_TYPE_AUDIO = 2 };

struct mtmd_context_params {
    bool use_gpu;
    bool print_timings;
    int n_threads;
    const char *image_marker; /* deprecated: media_marker */
    const char *media_marker;
    int32_t flash_attn_type;
    bool warmup;
    int image_min_tokens;
    int image_max_tokens;
    void *cb_eval;
    void *cb_eval_user_data;
    int batch_max_tokens;
    void *progress_callback;
    void *progress_callback_user_data;
};

struct mtmd_input_text {
    const char *text;
    size_t n_text;
    bool add_special;
    bool parse_special;
};

/* mtmd_helper_bitmap_init_from_buf returns a bitmap, or (for video input, which these loops never send) a video context. */
struct mtmd_helper_bitmap_wrapper {
    struct mtmd_bitmap *bitmap;
    void *video_ctx;
};

extern struct mtmd_context_params mtmd_context_params_default(void);
extern const char *mtmd_default_marker(void);
extern struct mtmd_context *mtmd_init_from_file(const char *mmproj_fname, const struct llama_model *text_model,
                                                const struct mtmd_context_params ctx_params);
extern void mtmd_free(struct mtmd_context *ctx);
extern bool mtmd_support_vision(struct mtmd_context *ctx);
extern bool mtmd_support_audio(struct mtmd_context *ctx);
extern void mtmd_bitmap_free(struct mtmd_bitmap *bitmap);
extern struct mtmd_input_chunks *mtmd_input_chunks_init(void);
extern size_t mtmd_input_chunks_size(const struct mtmd_input_chunks *chunks);
extern const struct mtmd_input_chunk *mtmd_input_chunks_get(const struct mtmd_input_chunks *chunks, size_t idx);
extern void mtmd_input_chunks_free(struct mtmd_input_chunks *chunks);
extern int32_t mtmd_input_chunk_get_type(const struct mtmd_input_chunk *chunk);
extern const llama_token *mtmd_input_chunk_get_tokens_text(const struct mtmd_input_chunk *chunk, size_t *n_tokens_output);
extern size_t mtmd_input_chunk_get_n_tokens(const struct mtmd_input_chunk *chunk);
extern int32_t mtmd_tokenize(struct mtmd_context *ctx, struct mtmd_input_chunks *output, const struct mtmd_input_text *text,
                             const struct mtmd_bitmap **bitmaps, size_t n_bitmaps);
extern int32_t mtmd_encode_chunk(struct mtmd_context *ctx, const struct mtmd_input_chunk *chunk);
extern struct mtmd_helper_bitmap_wrapper mtmd_helper_bitmap_init_from_buf(struct mtmd_context *ctx, const unsigned char *buf,
                                                                          size_t len, bool placeholder);
extern int32_t mtmd_helper_eval_chunk_single(struct mtmd_context *ctx, struct llama_context *lctx,
                                             const struct mtmd_input_chunk *chunk, llama_pos n_past, llama_seq_id seq_id,
                                             int32_t n_batch, bool logits_last, llama_pos *new_n_past);
extern void mtmd_log_set(ggml_log_cb callback, void *user_data);
extern void mtmd_helper_log_set(ggml_log_cb callback, void *user_data);

/* ---- Helpers shared by the loops ---- */

/* Whether every llama.cpp log line goes to stderr (--log-all), or only warnings and errors. */
static int log_all;

static inline void on_log(int level, const char *text, void *user_data) {
    static int last_level;
    (void)user_data;
    if (level == GGML_LOG_LEVEL_CONT) {
        level = last_level;
    } else {
        last_level = level;
    }

    if (log_all || level >= GGML_LOG_LEVEL_WARN) {
        fputs(text, stderr);
    }
}

static inline int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* CPU time of the whole process (every thread), in microseconds. */
static inline int64_t cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static inline double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The greedy token: the first index of the largest logit. */
static inline llama_token argmax(const float *logits, int n) {
    llama_token best = 0;
    float max = logits[0];
    for (int i = 1; i < n; i++) {
        if (logits[i] > max) {
            max = logits[i];
            best = i;
        }
    }
    return best;
}

/* -fa on|off|auto; -2 when the value is none of them. */
static inline int parse_flash_attn(const char *v) {
    return strcmp(v, "on") == 0 ? FLASH_ATTN_ENABLED
         : strcmp(v, "off") == 0 ? FLASH_ATTN_DISABLED
         : strcmp(v, "auto") == 0 ? FLASH_ATTN_AUTO : -2;
}

/* Routes llama.cpp's log, initialises the backends, loads a backend module if given and prints the device list. */
static inline int init_backends(const char *backend_module) {
    llama_log_set(on_log, NULL);
    llama_backend_init();
    if (backend_module != NULL && ggml_backend_load(backend_module) == NULL) {
        fprintf(stderr, "error: ggml_backend_load failed for %s\n", backend_module);
        return 1;
    }

    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        void *dev = ggml_backend_dev_get(i);
        printf("DEVICE %s %s\n", ggml_backend_dev_name(dev), ggml_backend_dev_description(dev));
    }
    printf("SYSINFO %s\n", llama_print_system_info());
    return 0;
}

/* Loads a model memory-mapped, with gpu_layers layers offloaded (split by layer, main GPU 0). */
static inline struct llama_model *load_model(const char *path, int gpu_layers) {
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = gpu_layers;
    mp.split_mode = SPLIT_MODE_LAYER;
    mp.main_gpu = 0;
    mp.load_mode = LOAD_MODE_MMAP;
    mp.vocab_only = false;
    struct llama_model *model = llama_model_load_from_file(path, mp);
    if (model == NULL) {
        fprintf(stderr, "error: cannot load %s\n", path);
    }
    return model;
}

/* Context parameters both loops share: the sizes and threads given, f16 K/V, a unified KV cache, K/Q/V on the
 * device of their layer, no performance counters; the caller sets the rest (swa_full, embeddings, pooling). */
static inline struct llama_context_params base_context_params(int n_ctx, int n_batch, int n_ubatch, int n_seq_max,
                                                              int threads, int batch_threads, int flash_attn) {
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = (uint32_t)n_batch;
    cp.n_ubatch = (uint32_t)n_ubatch;
    cp.n_seq_max = (uint32_t)n_seq_max;
    cp.n_threads = threads;
    cp.n_threads_batch = batch_threads;
    cp.flash_attn_type = flash_attn;
    cp.type_k = GGML_TYPE_F16;
    cp.type_v = GGML_TYPE_F16;
    cp.kv_unified = true;
    cp.offload_kqv = true;
    cp.no_perf = true;
    return cp;
}

/* The struct sizes and offsets the benchmark compares with LLamaSharp's (appended to the READY line). */
static inline void print_layouts(void) {
    printf("sizeof_mparams=%zu off_mparams_load_mode=%zu off_mparams_kv_overrides=%zu "
           "sizeof_cparams=%zu off_cparams_n_threads=%zu off_cparams_type_k=%zu off_cparams_samplers=%zu",
           sizeof(struct llama_model_params), offsetof(struct llama_model_params, load_mode),
           offsetof(struct llama_model_params, kv_overrides), sizeof(struct llama_context_params),
           offsetof(struct llama_context_params, n_threads), offsetof(struct llama_context_params, type_k),
           offsetof(struct llama_context_params, samplers));
}

#endif
