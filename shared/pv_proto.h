/* pv_proto.h -- the pervert wire protocol, shared by the Valgrind tool
 * (producer) and every consumer (pervert-dump, pervert-view).
 *
 * This header is the single definition of the protocol; shared/PROTOCOL.txt
 * explains it in prose.  It must compile both inside a Valgrind tool (no libc,
 * no <stdint.h>) and in ordinary programs, so it defines its own fixed-width
 * types and uses only GCC builtins.
 *
 * Shape (after Linux perf's mmap ring):
 *
 *   one file in /dev/shm, created O_EXCL mode 0600 by the tool, unlinked as
 *   soon as the consumer has attached:
 *
 *     [ control page: struct pv_ctrl, PV_CTRL_SIZE bytes ]
 *     [ data area: data_size bytes, a power of two         ]
 *
 *   head and tail are monotonically increasing 64-bit byte counters; the
 *   position of a counter in the data area is (counter & (data_size - 1)).
 *   The producer owns head, the consumer owns tail.  The producer writes
 *   records at head and publishes them with a release store of head; the
 *   consumer reads records in [tail, head) after an acquire load of head and
 *   frees room with a release store of tail.  One producer, one consumer.
 *
 *   A record never wraps around the end of the data area: when the next
 *   batch does not fit before the end, the producer fills the rest with one
 *   PV_REC_PAD record and continues at the start.
 *
 * Records are a multiple of 8 bytes and 8-aligned.  The first 64-bit word
 * is the header:
 *
 *     bits  0..7   type     (enum pv_rec_type)
 *     bits  8..15  sub      (type-specific: alloc kind, map kind, ...)
 *     bits 16..31  n16      accesses (type < PV_REC_FIRST_VAR): access size
 *                           in bytes; every other record: its total length
 *                           in 8-byte words, header included
 *     bits 32..63  a32      accesses: code site id; others: type-specific
 *
 * Access records (LOAD, STORE, MODIFY) are always 16 bytes: header, address.
 * They carry no thread id: a PV_REC_THREAD record says which thread runs
 * from then on (Valgrind runs one thread at a time).
 */
#ifndef PV_PROTO_H
#define PV_PROTO_H

typedef unsigned char      pv_u8;
typedef unsigned short     pv_u16;
typedef unsigned int       pv_u32;
typedef int                pv_s32;
typedef unsigned long long pv_u64;
typedef long long          pv_s64;

#define PV_MAGIC            0x545245565245505FULL  /* "_PERVERT" little-endian */
#define PV_PROTO_VERSION    1u
#define PV_CTRL_SIZE        4096u
#define PV_MIN_DATA_SIZE    (1u << 16)
#define PV_MAX_RECORD_BYTES (1u << 16)            /* n16 words * 8 < 512 KiB, we use less */

/* ---- record types ---------------------------------------------------- */
enum pv_rec_type {
   /* fixed 16-byte access records: hdr (size in n16, site in a32), addr */
   PV_REC_LOAD      = 1,
   PV_REC_STORE     = 2,
   PV_REC_MODIFY    = 3,     /* load and store of the same bytes by one instruction */
   PV_REC_FIRST_VAR = 16,

   /* variable records: n16 = length in words */
   PV_REC_PAD       = 16,    /* skip n16 words (sub=1: skip to the end of the data area,
                                the length is then (data_size - pos), n16 ignored) */
   PV_REC_KREAD     = 17,    /* kernel reads client memory (write(), ...): a32 = syscall nr
                                (0xFFFFFFFF: not a syscall); w1 = addr, w2 = size */
   PV_REC_KWRITE    = 18,    /* kernel writes client memory (read(), ...): as KREAD */
   PV_REC_THREAD    = 19,    /* a32 = Valgrind thread id now running */
   PV_REC_SITE      = 20,    /* a32 = site id; w1 = code address; w2 = line (low 32) |
                                string bytes (high 32); then "fn\0file\0dir\0obj\0"
                                padded with NULs to 8.  Empty string = unknown. */
   PV_REC_STACK     = 21,    /* a32 = stack id; sub = depth; then depth u32 site ids
                                (innermost first), padded to 8 */
   PV_REC_ALLOC     = 22,    /* sub = enum pv_alloc_kind; a32 = thread id;
                                w1 = addr, w2 = requested size, w3 = stack id (low 32) */
   PV_REC_FREE      = 23,    /* sub = enum pv_alloc_kind; a32 = thread id;
                                w1 = addr, w2 = size of the block freed, w3 = stack id */
   PV_REC_MAP       = 24,    /* sub = enum pv_map_kind; a32 = prot (PV_PROT_*);
                                w1 = start, w2 = length, w3 = file offset;
                                then the name (file path or label) NUL-terminated, padded */
   PV_REC_UNMAP     = 25,    /* w1 = start, w2 = length */
   PV_REC_PROTECT   = 26,    /* a32 = prot; w1 = start, w2 = length */
   PV_REC_REMAP     = 27,    /* mremap moved a range: w1 = from, w2 = to, w3 = length */
   PV_REC_THREAD_CREATE = 28,/* a32 = new thread id; w1 = parent thread id */
   PV_REC_THREAD_EXIT   = 29,/* a32 = thread id */
   PV_REC_THREAD_STACK  = 30,/* a32 = thread id; w1 = lowest address, w2 = highest + 1 */
   PV_REC_NAME      = 31,    /* pervert.h PERVERT_NAME_RANGE: a32 = thread id;
                                w1 = start, w2 = length (0: remove names at start);
                                then the name, NUL-terminated, padded */
   PV_REC_MARK      = 32,    /* pervert.h PERVERT_MARK: a32 = thread id; then the text */
   PV_REC_TRACE     = 33,    /* sub = 1 tracing on, 0 tracing off */
   PV_REC_EXEC      = 34,    /* the program calls execve: then the path; the stream ends
                                here if the exec succeeds */
   PV_REC_FORK      = 35,    /* a32 = child pid; the child does not write to this ring */
   PV_REC_INFO      = 36,    /* first record: a32 = pid; w1 = start time (ns since the
                                epoch); w2 = flags (PV_INFO_*); w3 = alloc stack depth;
                                then the program and its arguments, each NUL-terminated,
                                an empty string ends the list; padded */
   PV_REC_EXIT      = 37,    /* last record: sub = 0 normal exit / 1 killed by signal;
                                a32 = exit status or signal number */
   PV_REC_TIME      = 38,    /* w1 = monotonic time in ns since the INFO record */
   PV_REC_DROPPED   = 39,    /* --when-full=drop lost access records: w1 = how many */
   PV_REC_LAST      = 39
};

/* Access records' site ids, stack ids: 0 means unknown. */

enum pv_alloc_kind {
   PV_ALLOC_MALLOC = 0, PV_ALLOC_CALLOC, PV_ALLOC_REALLOC, PV_ALLOC_MEMALIGN,
   PV_ALLOC_NEW, PV_ALLOC_NEW_ARRAY, PV_ALLOC_FREE, PV_ALLOC_DELETE,
   PV_ALLOC_DELETE_ARRAY, PV_ALLOC_KIND_COUNT
};

enum pv_map_kind {
   PV_MAP_CODE = 0,    /* file-backed, executable */
   PV_MAP_DATA,        /* file-backed, writable (.data, .got, ...) */
   PV_MAP_RODATA,      /* file-backed, read-only */
   PV_MAP_BSS,         /* anonymous, directly after a file's data */
   PV_MAP_HEAP,        /* the brk heap */
   PV_MAP_STACK,       /* the main thread's stack */
   PV_MAP_ANON,        /* anonymous mmap (thread stacks, big mallocs, arenas) */
   PV_MAP_FILE,        /* other file mapping made by the program */
   PV_MAP_SHM,         /* System V shared memory */
   PV_MAP_KIND_COUNT
};

#define PV_PROT_READ   1u
#define PV_PROT_WRITE  2u
#define PV_PROT_EXEC   4u

#define PV_INFO_TRACK_HEAP   1u   /* heap events will come */
#define PV_INFO_STATIC       2u   /* statically linked: no heap events */
#define PV_INFO_TRACING      4u   /* tracing is on at start */
#define PV_INFO_DROP         8u   /* --when-full=drop */

/* ---- header packing -------------------------------------------------- */
#define PV_HDR(type, sub, n16, a32) \
   ((pv_u64)(pv_u8)(type) | ((pv_u64)(pv_u8)(sub) << 8) | \
    ((pv_u64)(pv_u16)(n16) << 16) | ((pv_u64)(pv_u32)(a32) << 32))
#define PV_HDR_TYPE(h)  ((unsigned)((h) & 0xFF))
#define PV_HDR_SUB(h)   ((unsigned)(((h) >> 8) & 0xFF))
#define PV_HDR_N16(h)   ((unsigned)(((h) >> 16) & 0xFFFF))
#define PV_HDR_A32(h)   ((pv_u32)((h) >> 32))
#define PV_IS_ACCESS(t) ((t) >= PV_REC_LOAD && (t) <= PV_REC_MODIFY)
/* bytes of a record, given its header */
#define PV_REC_BYTES(h) (PV_IS_ACCESS(PV_HDR_TYPE(h)) ? 16u : PV_HDR_N16(h) * 8u)
#define PV_ALIGN8(n)    (((n) + 7u) & ~7u)

/* ---- the control page ------------------------------------------------ */
enum pv_producer_state {
   PV_PROD_STARTING = 0,  /* ring made, waiting for the consumer */
   PV_PROD_RUNNING  = 1,
   PV_PROD_EXITED   = 2,  /* the EXIT record is written and published */
   PV_PROD_EXECED   = 3   /* the program exec'd something else: no more records */
};
enum pv_consumer_state {
   PV_CONS_NONE     = 0,  /* not attached yet */
   PV_CONS_ATTACHED = 1,
   PV_CONS_FINISHED = 2,  /* consumed the EXIT record and wrote its output out */
   PV_CONS_GONE     = 3,  /* left early (window closed, error) */
   PV_CONS_REJECTED = 4,  /* protocol version mismatch */
   PV_CONS_EXECFAIL = 5   /* the consumer command could not be started */
};

/* Control channel (consumer -> producer), for pause/step/slow motion
 * (PROTOCOL.txt section 5a).  One command slot: when cmd_ack == cmd_seq
 * (the previous command was taken) the consumer writes cmd and cmd_arg,
 * then increments cmd_seq (release); the producer takes the command, does
 * what it can at once (see below), and copies cmd_seq to cmd_ack
 * (release).  paused is 1 while the program is held.  After the ack of
 * PAUSE, STEP, STEP_ALLOC or STEP_MARK, "paused == 1" means that it took
 * effect and head no longer moves: every record up to the pause point is
 * published.  Values the producer does not know are acknowledged and
 * ignored, so new commands can be added without a new protocol version. */
enum pv_ctl_cmd {
   PV_CMD_NONE = 0,
   PV_CMD_PAUSE,        /* hold the program (all threads) */
   PV_CMD_RESUME,       /* run on from where it stopped, nothing lost */
   PV_CMD_STEP,         /* arg = N: run until exactly N more access records are
                           published, then hold again (while running: pause first) */
   PV_CMD_RATE,         /* arg = K: at most K access records per second; 0 = full
                           speed.  Does not pause or resume by itself. */
   PV_CMD_STEP_ALLOC,   /* run at full speed (or at the rate) until the next ALLOC
                           record, hold right after it */
   PV_CMD_STEP_MARK     /* the same up to the next MARK record (pervert.h) */
};

#define PV_CACHELINE 64
struct pv_ctrl {
   /* written once by the producer before the consumer starts */
   pv_u64 magic;
   pv_u32 version;
   pv_u32 ctrl_size;          /* PV_CTRL_SIZE */
   pv_u64 data_size;          /* power of two */
   pv_u32 producer_pid;
   pv_u32 flags;              /* PV_INFO_* */
   pv_u8  pad0[PV_CACHELINE - 32];

   /* producer-written */
   volatile pv_u64 head;      /* bytes published */
   volatile pv_u32 producer_state;
   volatile pv_s32 exit_status;
   volatile pv_u64 dropped;   /* access records dropped (--when-full=drop) */
   volatile pv_u32 paused;    /* 1 while the target is held */
   volatile pv_u32 cmd_ack;
   volatile pv_u64 waited_ns; /* time the producer has waited for room so far
                                 (0 from a tool older than the field) */
   pv_u8  pad1[PV_CACHELINE - 40];

   /* consumer-written */
   volatile pv_u64 tail;      /* bytes consumed */
   volatile pv_u32 consumer_pid;
   volatile pv_u32 consumer_state;
   volatile pv_u32 cmd_seq;
   volatile pv_u32 cmd;
   volatile pv_u64 cmd_arg;
   /* what the consumer counted, for the tool's summary (by record type) */
   volatile pv_u64 counts[PV_REC_LAST + 1];
};

typedef char pv_ctrl_fits_page[sizeof(struct pv_ctrl) <= PV_CTRL_SIZE ? 1 : -1];
/* the offsets PROTOCOL.txt gives (both sides compile this) */
typedef char pv_ctrl_layout[__builtin_offsetof(struct pv_ctrl, head) == 64
                            && __builtin_offsetof(struct pv_ctrl, waited_ns) == 96
                            && __builtin_offsetof(struct pv_ctrl, tail) == 128
                            && __builtin_offsetof(struct pv_ctrl, counts) == 160 ? 1 : -1];

/* ---- client requests (also in the public pervert.h) ------------------ */
/* VG_USERREQ_TOOL_BASE('P','V') without needing valgrind.h here */
#define PV_CLREQ_BASE  ((pv_u32)(((unsigned)'P' & 0xff) << 24 | ((unsigned)'V' & 0xff) << 16))
enum pv_clreq {
   PV_CLREQ_NAME_RANGE = PV_CLREQ_BASE + 1,  /* addr, len, const char* name */
   PV_CLREQ_MARK,                            /* const char* text */
   PV_CLREQ_TRACE_ON,
   PV_CLREQ_TRACE_OFF,
   /* a custom allocator's blocks (the program's malloc & friends and C++
      new/delete are followed by the tool itself) */
   PV_CLREQ_ALLOC = PV_CLREQ_BASE + 0x100,   /* addr, size, kind */
   PV_CLREQ_FREE                             /* addr, kind */
};

#endif /* PV_PROTO_H */
