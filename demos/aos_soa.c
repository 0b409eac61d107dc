/* aos_soa.c -- array of structures vs structure of arrays: N particles of
 * 8 doubles each (64 bytes, one cache line); sum one field of every
 * particle in each layout.
 *
 * What to look for in the viewer: sum_x_aos reads one double per 64-byte
 * particle, so it touches every cache line of the whole array (the other
 * 56 bytes of each line are loaded for nothing); sum_x_soa reads the x
 * array alone, 8 bytes apart, an eighth of the lines.  pervert-dump
 * --analyze: dominant stride +64..127 (>=line) vs +8..15, and lines/access
 * 1.0 vs 0.125.
 *
 * Usage: aos_soa [N]   (default 100000)
 * Prints: aos_soa n=N aos=S soa=S */
#include <stdio.h>
#include <stdlib.h>

struct particle { double x, y, z, vx, vy, vz, mass, charge; };

struct particles {        /* the same data, one array per field */
   double *x, *y, *z, *vx, *vy, *vz, *mass, *charge;
};

__attribute__((noinline)) static double sum_x_aos(const struct particle *p, long n)
{
   double s = 0;
   for (long i = 0; i < n; i++)
      s += p[i].x;                  /* +64 bytes: a new line every read */
   return s;
}

__attribute__((noinline)) static double sum_x_soa(const struct particles *p, long n)
{
   double s = 0;
   for (long i = 0; i < n; i++)
      s += p->x[i];                 /* +8 bytes */
   return s;
}

static double *field(long n)
{
   double *f = malloc((size_t)n * sizeof *f);
   if (!f) { perror("malloc"); exit(1); }
   return f;
}

int main(int argc, char **argv)
{
   long n = argc > 1 ? atol(argv[1]) : 100000;
   if (n < 1) n = 1;
   struct particle *aos = malloc((size_t)n * sizeof *aos);
   if (!aos) { perror("malloc"); return 1; }
   struct particles soa = { field(n), field(n), field(n), field(n),
                            field(n), field(n), field(n), field(n) };
   for (long i = 0; i < n; i++) {
      double v = (double)(i % 100);
      aos[i] = (struct particle){ v, v + 1, v + 2, 0, 0, 0, 1, -1 };
      soa.x[i] = v; soa.y[i] = v + 1; soa.z[i] = v + 2;
      soa.vx[i] = soa.vy[i] = soa.vz[i] = 0;
      soa.mass[i] = 1; soa.charge[i] = -1;
   }
   double a = sum_x_aos(aos, n), s = sum_x_soa(&soa, n);
   printf("aos_soa n=%ld aos=%.0f soa=%.0f\n", n, a, s);
   free(aos);
   free(soa.x); free(soa.y); free(soa.z); free(soa.vx);
   free(soa.vy); free(soa.vz); free(soa.mass); free(soa.charge);
   return 0;
}
