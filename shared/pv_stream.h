/* pv_stream.h -- helpers to walk and check the records of a pervert ring
 * span (see pv_proto.h for the layout, PROTOCOL.txt for the prose).
 *
 * Header-only (static inline, no tables outside functions) so that any
 * consumer can include it without linking anything more than pv_ring.c.
 *
 * Typical use, inside a span P[0..N) returned by pv_reader_batch:
 *
 *     size_t i = 0;
 *     while (i < n) {
 *        size_t len = pv_rec_check(p + i, n - i, pos_of(p + i), r.size);
 *        if (len == 0) { corrupt record at stream offset r.tail + i; stop; }
 *        ... decode p + i (len bytes) ...
 *        i += len;
 *     }
 *
 * where pos_of(x) = x - r.data is the record's position in the data area.
 */
#ifndef PV_STREAM_H
#define PV_STREAM_H

#include <stddef.h>
#include <string.h>
#include "pv_proto.h"

/* The first 64-bit word of a record.  Records are 8-aligned in the ring. */
static inline pv_u64 pv_rec_hdr(const pv_u8 *rec)
{
   pv_u64 h;
   memcpy(&h, rec, sizeof h);
   return h;
}

/* Word W (0 = header) of a record. */
static inline pv_u64 pv_rec_word(const pv_u8 *rec, unsigned w)
{
   pv_u64 v;
   memcpy(&v, rec + 8u * w, sizeof v);
   return v;
}

/* The smallest valid length in bytes of a record of TYPE (its fixed words),
 * or 0 when TYPE is not a record type of this protocol version. */
static inline unsigned pv_rec_min_bytes(unsigned type)
{
   switch (type) {
   case PV_REC_LOAD: case PV_REC_STORE: case PV_REC_MODIFY: return 16;
   case PV_REC_PAD:           return 8;
   case PV_REC_KREAD:         return 24;
   case PV_REC_KWRITE:        return 24;
   case PV_REC_THREAD:        return 8;
   case PV_REC_SITE:          return 24;
   case PV_REC_STACK:         return 8;
   case PV_REC_ALLOC:         return 32;
   case PV_REC_FREE:          return 32;
   case PV_REC_MAP:           return 32;
   case PV_REC_UNMAP:         return 24;
   case PV_REC_PROTECT:       return 24;
   case PV_REC_REMAP:         return 32;
   case PV_REC_THREAD_CREATE: return 16;
   case PV_REC_THREAD_EXIT:   return 8;
   case PV_REC_THREAD_STACK:  return 24;
   case PV_REC_NAME:          return 24;
   case PV_REC_MARK:          return 8;
   case PV_REC_TRACE:         return 8;
   case PV_REC_EXEC:          return 8;
   case PV_REC_FORK:          return 8;
   case PV_REC_INFO:          return 32;
   case PV_REC_EXIT:          return 8;
   case PV_REC_TIME:          return 16;
   case PV_REC_DROPPED:       return 16;
   default:                   return 0;
   }
}

/* Check the record at REC: AVAIL bytes of the span are left from REC on,
 * POS is REC's position in the data area (0 .. DATA_SIZE-1).  Returns the
 * record's length in bytes (for PAD with sub=1: up to the end of the data
 * area), or 0 when the record is corrupt: unknown type, length 0 or below
 * the type's fixed part, a STACK whose ids do not fit, or running past the
 * end of the span. */
static inline size_t pv_rec_check(const pv_u8 *rec, size_t avail,
                                  pv_u64 pos, pv_u64 data_size)
{
   if (avail < 8)
      return 0;
   pv_u64 h = pv_rec_hdr(rec);
   unsigned type = PV_HDR_TYPE(h);
   unsigned min = pv_rec_min_bytes(type);
   size_t len;
   if (min == 0)
      return 0;
   if (PV_IS_ACCESS(type))
      len = 16;
   else if (type == PV_REC_PAD && PV_HDR_SUB(h) == 1)
      len = pos < data_size ? (size_t)(data_size - pos) : 0;
   else
      len = (size_t)PV_HDR_N16(h) * 8u;
   if (len < min || len > avail)
      return 0;
   if (type == PV_REC_STACK && 8u + 4u * PV_HDR_SUB(h) > len)
      return 0;
   return len;
}

/* Split the string area of a PV_REC_SITE record REC of LEN bytes into its
 * four strings fn, file, dir, obj: S[i] points into REC (not necessarily
 * NUL-terminated there: use L[i]).  Missing or unterminated strings are
 * returned as "" (length 0).  LEN must be >= 24 (pv_rec_check ensures it). */
static inline void pv_site_strings(const pv_u8 *rec, size_t len,
                                   const char *s[4], size_t l[4])
{
   pv_u64 w2 = pv_rec_word(rec, 2);
   size_t area = len - 24;
   size_t declared = (size_t)(w2 >> 32);   /* string bytes, 0: not given */
   if (declared != 0 && declared < area)
      area = declared;
   const char *p = (const char *)rec + 24, *end = p + area;
   for (int i = 0; i < 4; i++) {
      const char *z = p < end ? (const char *)memchr(p, 0, (size_t)(end - p)) : NULL;
      if (z) {
         s[i] = p;
         l[i] = (size_t)(z - p);
         p = z + 1;
      } else {
         s[i] = "";
         l[i] = 0;
         p = end;
      }
   }
}

/* Lower-case names of the record types, as used by pervert-dump --count
 * ("load", "store", "thread-create" ...); NULL for an unknown type. */
static inline const char *pv_rec_type_name(unsigned type)
{
   switch (type) {
   case PV_REC_LOAD:          return "load";
   case PV_REC_STORE:         return "store";
   case PV_REC_MODIFY:        return "modify";
   case PV_REC_PAD:           return "pad";
   case PV_REC_KREAD:         return "kread";
   case PV_REC_KWRITE:        return "kwrite";
   case PV_REC_THREAD:        return "thread";
   case PV_REC_SITE:          return "site";
   case PV_REC_STACK:         return "stack";
   case PV_REC_ALLOC:         return "alloc";
   case PV_REC_FREE:          return "free";
   case PV_REC_MAP:           return "map";
   case PV_REC_UNMAP:         return "unmap";
   case PV_REC_PROTECT:       return "protect";
   case PV_REC_REMAP:         return "remap";
   case PV_REC_THREAD_CREATE: return "thread-create";
   case PV_REC_THREAD_EXIT:   return "thread-exit";
   case PV_REC_THREAD_STACK:  return "thread-stack";
   case PV_REC_NAME:          return "name";
   case PV_REC_MARK:          return "mark";
   case PV_REC_TRACE:         return "trace";
   case PV_REC_EXEC:          return "exec";
   case PV_REC_FORK:          return "fork";
   case PV_REC_INFO:          return "info";
   case PV_REC_EXIT:          return "exit";
   case PV_REC_TIME:          return "time";
   case PV_REC_DROPPED:       return "dropped";
   default:                   return NULL;
   }
}

/* "malloc", "calloc", "realloc", "memalign", "new", "new[]", "free",
 * "delete", "delete[]"; NULL for an unknown kind. */
static inline const char *pv_alloc_kind_name(unsigned kind)
{
   switch (kind) {
   case PV_ALLOC_MALLOC:       return "malloc";
   case PV_ALLOC_CALLOC:       return "calloc";
   case PV_ALLOC_REALLOC:      return "realloc";
   case PV_ALLOC_MEMALIGN:     return "memalign";
   case PV_ALLOC_NEW:          return "new";
   case PV_ALLOC_NEW_ARRAY:    return "new[]";
   case PV_ALLOC_FREE:         return "free";
   case PV_ALLOC_DELETE:       return "delete";
   case PV_ALLOC_DELETE_ARRAY: return "delete[]";
   default:                    return NULL;
   }
}

/* "code", "data", "rodata", "bss", "heap", "stack", "anon", "file", "shm";
 * NULL for an unknown kind. */
static inline const char *pv_map_kind_name(unsigned kind)
{
   switch (kind) {
   case PV_MAP_CODE:   return "code";
   case PV_MAP_DATA:   return "data";
   case PV_MAP_RODATA: return "rodata";
   case PV_MAP_BSS:    return "bss";
   case PV_MAP_HEAP:   return "heap";
   case PV_MAP_STACK:  return "stack";
   case PV_MAP_ANON:   return "anon";
   case PV_MAP_FILE:   return "file";
   case PV_MAP_SHM:    return "shm";
   default:            return NULL;
   }
}

/* PV_PROT_* bits as "rwx" / "r--" ...; BUF must hold 4 bytes. */
static inline const char *pv_prot_string(pv_u32 prot, char buf[4])
{
   buf[0] = (prot & PV_PROT_READ)  ? 'r' : '-';
   buf[1] = (prot & PV_PROT_WRITE) ? 'w' : '-';
   buf[2] = (prot & PV_PROT_EXEC)  ? 'x' : '-';
   buf[3] = 0;
   return buf;
}

#endif /* PV_STREAM_H */
