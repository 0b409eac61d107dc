/* options.c -- parses pervert-view's command line (see options.h). */
#include "options.h"

#include "pv_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void pv_opts_usage(void)
{
   printf(
"usage: pervert-view [options] RING\n"
"       pervert-view [options] FILE.pvt        (replay a trace file)\n"
"The live window of pervert: valgrind --tool=pervert starts it and passes the\n"
"shared-memory RING as the last argument.\n"
"\n"
"  --line-size=N          cells per row, a power of two 8..1024 (default 64):\n"
"                         at 1 byte per cell a row is one N-byte line, a cache\n"
"                         line by default; zooming out makes each cell cover\n"
"                         2, 4 ... 4096 bytes, so a row covers N x cell bytes\n"
"  --zoom=B               start at B bytes per cell (power of two 1..4096);\n"
"                         default: follow mode picks it\n"
"  --half-life=MS         heat half-life in milliseconds (default 500)\n"
"  --size=WxH             window size (default 1280x800)\n"
"  --screenshot=FILE      no window: render headless, save a PNG, exit\n"
"  --screenshot-after=N   ... after N accesses, or Ns seconds (default: at\n"
"                         the end of the program; also when it ends earlier)\n"
"  --software             use SDL's software renderer (no OpenGL)\n"
"  --fps=N                frame rate cap (default 60, 0 = unlimited)\n"
"  --timeline-slice=MS    time per timeline column (default 40)\n"
"  --follow=yes|no        follow mode (keep the busiest region in view) at the\n"
"                         start (default yes; the f key toggles it)\n"
"  --goto=ADDR            start with ADDR in view (follow mode off)\n"
"  --hover=ADDR           show the hover card of ADDR (headless: also print it)\n"
"  --probe=ADDR[,ADDR..]  print the window rectangle of each address's cell\n"
"                         when the screenshot is taken (for tests)\n"
"  --hover=@FILE, --probe=@FILE  the same with addresses read from FILE when\n"
"                         the screenshot is taken (written by the program)\n"
"  --goto=@FILE           go to the address in FILE as soon as the program\n"
"                         has written it (for tests)\n"
"  --stats                print frame and ingest rates to stderr\n"
"  --sample=yes|no        when the viewer falls behind the program, update the\n"
"                         picture from one access in 8, 16 ... 256 (counted for\n"
"                         all) instead of making the program wait (default:\n"
"                         yes in a window, no headless)\n"
"  --yield-cpu=yes|idle|no  keep the viewer's threads off the CPU the\n"
"                         program runs on (with two or more) and draw at a\n"
"                         lower priority than the ring is read (default yes);\n"
"                         idle: draw only when nothing else wants the CPU\n"
"                         (the program waits least; the window may freeze\n"
"                         while other programs keep every CPU busy)\n"
"  --show-help            start with the key overlay shown (as after h)\n"
"  --log-control          print a line to stderr when the program is held,\n"
"                         stepped, resumed or slowed (for tests)\n"
"  --record=FILE          write the stream to trace FILE while showing it\n"
"                         (t starts/stops a recording named after the program)\n"
"  --record-from=N        ... starting once N accesses were read\n"
"  --video=FILE           the file the v key records the window to (default:\n"
"                         PROGRAM-DATE-TIME.mp4, .png without ffmpeg)\n"
"Replay of a trace file (pervert-dump --record, --record, t key):\n"
"  --speed=X              playback speed (run time x X; default 1)\n"
"  --paused               start paused (space plays)\n"
"  --screenshot=FILE      headless: the picture at --screenshot-after=POS\n"
"                         (N accesses as live, or Ns seconds; default: the end)\n"
"  --render=FILE          headless: a video of --from=POS to --to=POS at\n"
"                         --fps=N (default 30) frames per second of video;\n"
"                         FILE.mp4 (ffmpeg) or FILE.png (animated PNG)\n"
"  --from=POS --to=POS    POS: N events (records), Ns seconds of run time,\n"
"                         Na accesses (default: start and end)\n"
"  --model-hash-at=POS,.. print a hash of the model at each POS, seeking\n"
"  --seek-test=N          compare seeking with playing at N positions\n"
"  --print-model-hash[=layout]  with --screenshot: print a hash of the model\n"
"                         (=layout: of regions and heap blocks only)\n"
"  --list-marks           print the pervert.h marks: event, run time (ns), text\n"
"  --snapshot-memory=MB   memory for seek snapshots (default 1024)\n"
"  --help                 this text\n");
   pv_siteopts_usage();
   printf("Keys: press h in the window.\n");
}

int pv_opts_read_addrs(const char *path, pv_u64 *out, int max)
{
   FILE *f = fopen(path, "r");
   if (!f)
      return -1;
   char line[512];
   int n = 0;
   while (n < max && fgets(line, sizeof line, f)) {
      char *hash = strchr(line, '#');
      if (hash)
         *hash = 0;
      for (char *tok = strtok(line, ", \t\r\n"); tok && n < max; tok = strtok(NULL, ", \t\r\n"))
         if (pv_parse_u64(tok, &out[n]) == 0)
            n++;
   }
   fclose(f);
   return n;
}

static int parse_addr_list(struct pv_opts *o, const char *s, char *err, size_t errlen)
{
   char buf[4096];
   snprintf(buf, sizeof buf, "%s", s);
   for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
      if (o->nprobes >= PV_MAX_PROBES) {
         snprintf(err, errlen, "--probe: at most %d addresses", PV_MAX_PROBES);
         return -1;
      }
      if (pv_parse_u64(tok, &o->probes[o->nprobes]) != 0) {
         snprintf(err, errlen, "--probe: bad address '%s'", tok);
         return -1;
      }
      o->nprobes++;
   }
   return 0;
}

static int parse_ms(const char *v, double lo, double hi, double *out)
{
   char *end;
   double d = strtod(v, &end);
   if (end == v || *end || !(d >= lo && d <= hi))
      return -1;
   *out = d;
   return 0;
}

int pv_opts_parse_pos(const char *s, int *unit, pv_u64 *n, double *seconds)
{
   size_t l = strlen(s);
   char num[64];
   *n = 0;
   *seconds = 0;
   if (l == 0 || l >= sizeof num)
      return -1;
   char last = s[l - 1];
   if (last == 's' || last == 'a') {
      snprintf(num, sizeof num, "%.*s", (int)(l - 1), s);
      if (last == 's') {
         char *e;
         *seconds = strtod(num, &e);
         *unit = PV_POS_SECONDS;
         return e != num && !*e && *seconds >= 0 && *seconds < 1e7 ? 0 : -1;
      }
      *unit = PV_POS_ACCESSES;
      return pv_parse_u64(num, n) == 0 && num[0] >= '0' && num[0] <= '9' ? 0 : -1;
   }
   *unit = PV_POS_EVENTS;
   return pv_parse_u64(s, n) == 0 && s[0] >= '0' && s[0] <= '9' ? 0 : -1;
}

int pv_opts_parse(struct pv_opts *o, int argc, char **argv, char *err, size_t errlen)
{
   memset(o, 0, sizeof *o);
   o->cols = 64;
   o->zoom_shift = -1;
   o->half_life_ms = 500;
   o->width = 1280;
   o->height = 800;
   o->fps = 60;
   o->slice_ms = 40;
   pv_siteopts_defaults(&o->site);
   o->sample = -1;
   o->yield_cpu = 1;
   int rc;
   o->speed = 1;
   o->snap_budget = (size_t)1024 << 20;
   for (int i = 1; i < argc; i++) {
      const char *a = argv[i];
      const char *v = strchr(a, '=');
      v = v ? v + 1 : NULL;
#define IS(name) (strncmp(a, name "=", sizeof(name)) == 0)
      if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
         pv_opts_usage();
         return 1;
      } else if (strcmp(a, "--software") == 0) {
         o->software = 1;
      } else if (strcmp(a, "--stats") == 0) {
         o->stats = 1;
      } else if (strcmp(a, "--sample=auto") == 0 || strcmp(a, "--sample=yes") == 0) {
         o->sample = 1;
      } else if (strcmp(a, "--yield-cpu=yes") == 0 || strcmp(a, "--yield-cpu=no") == 0
                 || strcmp(a, "--yield-cpu=idle") == 0) {
         o->yield_cpu = a[12] == 'y' ? 1 : a[12] == 'i' ? 2 : 0;
      } else if (strncmp(a, "--yield-cpu=", 12) == 0) {
         snprintf(err, errlen, "--yield-cpu: want yes, idle or no, not '%s'", a + 12);
         return -1;
      } else if (strcmp(a, "--sample=no") == 0) {
         o->sample = 0;
      } else if (strncmp(a, "--sample=", 9) == 0) {
         snprintf(err, errlen, "--sample: want yes or no, not '%s'", a + 9);
         return -1;
      } else if (strcmp(a, "--show-help") == 0) {
         o->show_help = 1;
      } else if (strcmp(a, "--log-control") == 0) {
         o->log_control = 1;
      } else if (IS("--line-size")) {
         pv_u64 n;
         if (pv_parse_u64(v, &n) || pv_log2_exact(n) < 3 || n > 1024) {
            snprintf(err, errlen, "--line-size: want a power of two from 8 to 1024, not '%s'", v);
            return -1;
         }
         o->cols = (unsigned)n;
      } else if (IS("--zoom")) {
         pv_u64 n;
         if (pv_parse_u64(v, &n) || pv_log2_exact(n) < 0 || n > 4096) {
            snprintf(err, errlen, "--zoom: want bytes per cell, a power of two from 1 to 4096, not '%s'", v);
            return -1;
         }
         o->zoom_shift = pv_log2_exact(n);
      } else if (IS("--half-life")) {
         if (parse_ms(v, 1, 3600000, &o->half_life_ms)) {
            snprintf(err, errlen, "--half-life: want milliseconds (1 .. 3600000), not '%s'", v);
            return -1;
         }
      } else if (IS("--timeline-slice")) {
         if (parse_ms(v, 1, 600000, &o->slice_ms)) {
            snprintf(err, errlen, "--timeline-slice: want milliseconds (1 .. 600000), not '%s'", v);
            return -1;
         }
      } else if (IS("--size")) {
         int w, h;
         char x;
         if (sscanf(v, "%d%c%d", &w, &x, &h) != 3 || (x != 'x' && x != 'X')
             || w < 640 || h < 400 || w > 16384 || h > 16384) {
            snprintf(err, errlen, "--size: want WxH, at least 640x400, not '%s'", v);
            return -1;
         }
         o->width = w;
         o->height = h;
      } else if (IS("--screenshot")) {
         if (!*v) {
            snprintf(err, errlen, "--screenshot: want a file name");
            return -1;
         }
         o->screenshot = v;
      } else if (IS("--screenshot-after")) {
         size_t l = strlen(v);
         if (l > 1 && v[l - 1] == 's') {
            char num[64];
            snprintf(num, sizeof num, "%.*s", (int)(l - 1), v);
            if (parse_ms(num, 0, 1e7, &o->after_seconds)) {
               snprintf(err, errlen, "--screenshot-after: want N accesses or Ns seconds, not '%s'", v);
               return -1;
            }
            o->after_is_time = 1;
         } else if (pv_parse_u64(v, &o->after_accesses) || o->after_accesses == 0) {
            snprintf(err, errlen, "--screenshot-after: want N accesses (N > 0) or Ns seconds, not '%s'", v);
            return -1;
         }
      } else if (strcmp(a, "--paused") == 0) {
         o->start_paused = 1;
      } else if (strcmp(a, "--list-marks") == 0) {
         o->list_marks = 1;
      } else if (strcmp(a, "--print-model-hash") == 0) {
         o->print_hash = 1;               /* PV_HASH_LINES */
      } else if (strcmp(a, "--print-model-hash=layout") == 0) {
         o->print_hash = 4;               /* regions and heap only (see main.c) */
      } else if (IS("--record-from")) {
         if (pv_parse_u64(v, &o->record_from) || o->record_from == 0) {
            snprintf(err, errlen, "--record-from: want N accesses (N > 0), not '%s'", v);
            return -1;
         }
      } else if (IS("--record")) {
         if (!*v) {
            snprintf(err, errlen, "--record: want a file name");
            return -1;
         }
         o->record = v;
      } else if (IS("--video")) {
         if (!*v) {
            snprintf(err, errlen, "--video: want a file name (.mp4 or .png)");
            return -1;
         }
         o->video = v;
      } else if (IS("--render")) {
         if (!*v) {
            snprintf(err, errlen, "--render: want a file name (.mp4 or .png)");
            return -1;
         }
         o->render = v;
      } else if (IS("--from") || IS("--to") || IS("--model-hash-at")) {
         int u;
         pv_u64 n;
         double sec;
         char one[64];
         const char *q = v;
         do {   /* check each position of the list */
            size_t l = strcspn(q, ",");
            snprintf(one, sizeof one, "%.*s", (int)(l < 63 ? l : 63), q);
            if (pv_opts_parse_pos(one, &u, &n, &sec) != 0) {
               snprintf(err, errlen, "%.*s: want N events, Ns seconds or Na accesses, not '%s'",
                        (int)(v - a - 1), a, one);
               return -1;
            }
            q += l + (q[l] == ',');
         } while (*q);
         if (IS("--from")) o->from = v;
         else if (IS("--to")) o->to = v;
         else o->hash_at = v;
      } else if (IS("--seek-test")) {
         pv_u64 n;
         if (pv_parse_u64(v, &n) || n == 0 || n > 100000) {
            snprintf(err, errlen, "--seek-test: want a number of positions (1 .. 100000), not '%s'", v);
            return -1;
         }
         o->seek_test = (int)n;
      } else if (IS("--speed")) {
         char *e;
         o->speed = strtod(v, &e);
         if (e == v || *e || !(o->speed >= 1.0 / 256 && o->speed <= 64)) {
            snprintf(err, errlen, "--speed: want a factor from 1/256 (0.004) to 64, not '%s'", v);
            return -1;
         }
      } else if (IS("--snapshot-memory")) {
         pv_u64 n;
         if (pv_parse_u64(v, &n) || n < 16 || n > (1u << 20)) {
            snprintf(err, errlen, "--snapshot-memory: want megabytes (16 ..), not '%s'", v);
            return -1;
         }
         o->snap_budget = (size_t)n << 20;
      } else if (IS("--fps")) {
         o->fps_given = 1;
         pv_u64 n;
         if (pv_parse_u64(v, &n) || n > 1000) {
            snprintf(err, errlen, "--fps: want 0 (unlimited) to 1000, not '%s'", v);
            return -1;
         }
         o->fps = (int)n;
      } else if (IS("--follow")) {
         if (!strcmp(v, "no"))
            o->no_follow = 1;
         else if (strcmp(v, "yes")) {
            snprintf(err, errlen, "--follow: want yes or no, not '%s'", v);
            return -1;
         }
      } else if (IS("--goto") && v[0] == '@' && v[1]) {
         o->goto_file = v + 1;
         o->no_follow = 1;
      } else if (IS("--goto")) {
         if (pv_parse_u64(v, &o->goto_addr)) {
            snprintf(err, errlen, "--goto: bad address '%s'", v);
            return -1;
         }
         o->have_goto = 1;
      } else if (IS("--hover") && v[0] == '@' && v[1]) {
         o->hover_file = v + 1;
         o->have_hover = 1;
      } else if (IS("--probe") && v[0] == '@' && v[1]) {
         o->probe_file = v + 1;
      } else if (IS("--hover")) {
         if (pv_parse_u64(v, &o->hover_addr)) {
            snprintf(err, errlen, "--hover: bad address '%s'", v);
            return -1;
         }
         o->have_hover = 1;
      } else if (IS("--probe")) {
         if (parse_addr_list(o, v, err, errlen))
            return -1;
      } else if (a[0] == '-' && a[1] && (rc = pv_siteopts_parse(&o->site, a, v, err, errlen))) {
         if (rc < 0)
            return -1;
      } else if (a[0] == '-' && a[1]) {
         snprintf(err, errlen, "unknown option '%s' (try --help)", a);
         return -1;
      } else if (o->ring) {
         snprintf(err, errlen, "more than one ring given ('%s' and '%s')", o->ring, a);
         return -1;
      } else {
         o->ring = a;
      }
#undef IS
   }
   if (!o->ring) {
      snprintf(err, errlen, "no ring given: valgrind --tool=pervert starts pervert-view "
               "with the ring as its last argument (try --help)");
      return -1;
   }
   size_t rl = strlen(o->ring);
   o->replay = pv_trace_probe(o->ring) || (rl > 4 && strcmp(o->ring + rl - 4, ".pvt") == 0);
   if (!o->replay && (o->render || o->from || o->to || o->hash_at || o->seek_test
                      || o->list_marks)) {
      snprintf(err, errlen, "--render, --from, --to, --model-hash-at, --seek-test and --list-marks replay "
               "a trace file: '%s' is not one", o->ring);
      return -1;
   }
   if (o->record_from && !o->record) {
      snprintf(err, errlen, "--record-from needs --record=FILE");
      return -1;
   }
   if (o->replay && o->record) {
      snprintf(err, errlen, "--record: '%s' is already a trace file", o->ring);
      return -1;
   }
   if (o->render && o->screenshot) {
      snprintf(err, errlen, "--render and --screenshot: one at a time");
      return -1;
   }
   if (!o->screenshot && (o->after_is_time || o->after_accesses)) {
      snprintf(err, errlen, "--screenshot-after needs --screenshot=FILE");
      return -1;
   }
   return 0;
}
