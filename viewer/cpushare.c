/* cpushare.c -- CPU placement and priority of the viewer's threads (see
 * cpushare.h). */
#define _GNU_SOURCE
#include "cpushare.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t pv_cpushare_tid(void)
{
   return (pid_t)syscall(SYS_gettid);
}

/* The CPU process PID last ran on: field 39 of /proc/PID/stat, counted
 * after the command name (which may hold spaces and parentheses). */
static int last_cpu_of(pid_t pid)
{
   char path[64], buf[1024];
   snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
   FILE *f = fopen(path, "r");
   if (!f)
      return -1;
   size_t n = fread(buf, 1, sizeof buf - 1, f);
   fclose(f);
   buf[n] = 0;
   char *p = strrchr(buf, ')');
   if (!p)
      return -1;
   /* after ") " comes field 3 (state); field 39 is 36 fields further */
   int field = 2;
   for (p++; *p && field < 39; p++)
      if (*p == ' ')
         field++;
   if (field != 39)
      return -1;
   char *end;
   long cpu = strtol(p, &end, 10);
   return end != p && cpu >= 0 && cpu < CPU_SETSIZE ? (int)cpu : -1;
}

/* Call FN(tid, arg) for every thread of this process; returns how many
 * calls returned 0. */
static int each_thread(int (*fn)(pid_t, void *), void *arg)
{
   DIR *d = opendir("/proc/self/task");
   if (!d)
      return 0;
   int done = 0;
   struct dirent *e;
   while ((e = readdir(d)) != NULL)
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fn((pid_t)atoi(e->d_name), arg) == 0)
         done++;
   closedir(d);
   return done;
}

static int set_mask(pid_t tid, void *set)
{
   return sched_setaffinity(tid, sizeof(cpu_set_t), set);
}

int pv_cpushare_leave_cpu_of(pid_t pid)
{
   cpu_set_t set;
   if (pid <= 0 || sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2)
      return -1;
   int cpu = last_cpu_of(pid);
   if (cpu < 0 || !CPU_ISSET(cpu, &set))
      return -1;
   CPU_CLR(cpu, &set);
   return each_thread(set_mask, &set) ? cpu : -1;
}

/* struct sched_attr of sched_setattr(2) (glibc 2.36 has neither; the
 * kernel's header clashes with sched.h) */
struct pv_sched_attr {
   unsigned size, sched_policy;
   unsigned long long sched_flags;
   int sched_nice;
   unsigned sched_priority;
   unsigned long long sched_runtime, sched_deadline, sched_period;
};

struct lower { pid_t keep; int by, idle; };

/* A thread of pervert's own that the program may wait for: the ingest
 * thread, the recording's compression thread (named pv-*). */
static int is_ours(pid_t tid)
{
   char path[64], name[32] = "";
   snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
   FILE *f = fopen(path, "r");
   if (!f)
      return 0;
   int ok = fgets(name, sizeof name, f) != NULL;
   fclose(f);
   return ok && strncmp(name, "pv-", 3) == 0;
}

static int lower_one(pid_t tid, void *arg)
{
   const struct lower *l = arg;
   if (tid == l->keep || is_ours(tid))
      return -1;
   errno = 0;
   int now = getpriority(PRIO_PROCESS, (id_t)tid);
   if (now == -1 && errno != 0)
      return -1;
   int want = now + l->by > 19 ? 19 : now + l->by;
   if (l->idle) {
      /* (the nice value first: SCHED_IDLE ignores sched_nice) */
      if (setpriority(PRIO_PROCESS, (id_t)tid, want) != 0)
         return -1;
      struct pv_sched_attr at;
      memset(&at, 0, sizeof at);
      at.size = sizeof at;
      at.sched_policy = SCHED_IDLE;
      at.sched_nice = want;
      return (int)syscall(SYS_sched_setattr, tid, &at, 0);
   }
   return setpriority(PRIO_PROCESS, (id_t)tid, want);
}

int pv_cpushare_lower_others(pid_t keep, int by, int idle)
{
   struct lower l = { keep, by, idle };
   return each_thread(lower_one, &l);
}

int pv_cpushare_short_slice(unsigned us)
{
   struct pv_sched_attr at;
   memset(&at, 0, sizeof at);
   at.size = sizeof at;
   at.sched_policy = 0;                /* SCHED_OTHER */
   errno = 0;
   at.sched_nice = getpriority(PRIO_PROCESS, 0);
   if (at.sched_nice == -1 && errno != 0)
      return -1;
   at.sched_runtime = (unsigned long long)us * 1000ull;
   return (int)syscall(SYS_sched_setattr, 0, &at, 0);
}
