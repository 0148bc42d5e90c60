// SPDX-License-Identifier: GPL-2.0-only
/*
 * The match ledger: the latest outcome of each (service, personality)
 * evaluation that got past the catalogue's index - the phase reached, the
 * key that failed with what was expected and what was there, the score -
 * so that "why is my driver not running?" has an answer (ioreg --why).
 *
 * It is bounded: IOKIT_MATCH_LEDGER_MAX pairs, the least recently touched
 * going first.  Records are keyed by entry ID, not by the entry, so they
 * outlive unplugged devices and hold no references.  Matching is the only
 * writer and runs off the ioctl fast path, so one mutex is enough.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <iokit/io_matching.h>

#include "iokit_internal.h"

struct io_ledger_record {
	struct hlist_node hash;
	struct list_head lru;
	struct iokit_match_record rec;
};

static DEFINE_MUTEX(io_ledger_lock);
static DEFINE_HASHTABLE(io_ledger_hash, 10);
static LIST_HEAD(io_ledger_lru);
static unsigned int io_ledger_count;

static u32 io_ledger_key(u64 entry_id, const char *personality)
{
	return jhash(personality, strlen(personality), (u32)entry_id ^ (u32)(entry_id >> 32));
}

/**
 * io_match_personality_name() - how the ledger names a personality
 * @dict: the personality
 *
 * Return: its IOPersonalityName, else its IOClass, else "".
 */
const char *io_match_personality_name(const struct os_dictionary *dict)
{
	struct os_string *s = os_string_cast(os_dictionary_get(dict, "IOPersonalityName"));

	if (!s)
		s = os_string_cast(os_dictionary_get(dict, "IOClass"));
	return s ? s->str : "";
}

/**
 * io_match_record_fill() - describe one evaluation
 * @rec: the record to fill
 * @entry_id: the service evaluated
 * @dict: the personality
 * @phase: an IOKIT_MATCH_* phase
 * @score: the score so far
 * @error: a negative errno for the failed phases, else 0
 * @r: the failed key and values, or NULL
 */
void io_match_record_fill(struct iokit_match_record *rec, u64 entry_id,
			  const struct os_dictionary *dict, u32 phase, s32 score,
			  int error, const struct io_match_report *r)
{
	struct os_string *cls = os_string_cast(os_dictionary_get(dict, "IOClass"));

	memset(rec, 0, sizeof(*rec));
	rec->entry_id = entry_id;
	rec->time_ns = ktime_get_boottime_ns();
	rec->phase = phase;
	rec->score = score;
	rec->error = error;
	strscpy(rec->personality, io_match_personality_name(dict), sizeof(rec->personality));
	strscpy(rec->driver, cls ? cls->str : "", sizeof(rec->driver));
	if (r && r->key) {
		strscpy(rec->key, r->key, sizeof(rec->key));
		strscpy(rec->expected, r->expected, sizeof(rec->expected));
		strscpy(rec->actual, r->actual, sizeof(rec->actual));
	}
}

/*
 * Whether @old, this pair's record, says more than @phase: MATCHED is what
 * every round passes through before its outcome (which it must not hide),
 * and a category taken because this driver failed to start is the failure.
 */
static bool io_ledger_keeps(u32 old, u32 phase)
{
	if (phase == IOKIT_MATCH_MATCHED)
		return old > IOKIT_MATCH_MATCHED;
	if (phase == IOKIT_MATCH_CATEGORY_TAKEN)
		return old == IOKIT_MATCH_INIT_FAILED || old == IOKIT_MATCH_PROBE_FAILED ||
		       old == IOKIT_MATCH_START_FAILED;
	return false;
}

/**
 * io_match_ledger_note() - record the outcome of one evaluation
 * @entry_id: the service evaluated
 * @dict: the personality
 * @phase: an IOKIT_MATCH_* phase
 * @score: the score so far
 * @error: a negative errno for the failed phases, else 0
 * @r: the failed key and values, or NULL
 *
 * Replaces the pair's previous record unless that one says more (a
 * failed Start stays until the driver is tried again).  Without memory
 * the evaluation is simply not recorded: the ledger explains, it never
 * decides.
 */
void io_match_ledger_note(u64 entry_id, const struct os_dictionary *dict, u32 phase,
			  s32 score, int error, const struct io_match_report *r)
{
	const char *name = io_match_personality_name(dict);
	u32 key = io_ledger_key(entry_id, name);
	struct io_ledger_record *l, *found = NULL;

	mutex_lock(&io_ledger_lock);
	hash_for_each_possible(io_ledger_hash, l, hash, key) {
		if (l->rec.entry_id == entry_id && !strcmp(l->rec.personality, name)) {
			found = l;
			break;
		}
	}
	if (found && io_ledger_keeps(found->rec.phase, phase)) {
		list_move_tail(&found->lru, &io_ledger_lru);
		goto out;
	}
	if (!found && io_ledger_count >= IOKIT_MATCH_LEDGER_MAX) {
		found = list_first_entry(&io_ledger_lru, struct io_ledger_record, lru);
		hash_del(&found->hash);
		hash_add(io_ledger_hash, &found->hash, key);
	} else if (!found) {
		found = kmalloc(sizeof(*found), GFP_KERNEL);
		if (!found)
			goto out;
		hash_add(io_ledger_hash, &found->hash, key);
		list_add_tail(&found->lru, &io_ledger_lru);
		io_ledger_count++;
	}
	io_match_record_fill(&found->rec, entry_id, dict, phase, score, error, r);
	list_move_tail(&found->lru, &io_ledger_lru);
out:
	mutex_unlock(&io_ledger_lock);
}

static_assert(sizeof(struct iokit_match_record) == IOKIT_MATCH_RECORD_SIZE_VER0);

/**
 * io_match_records_copy_out() - copy records to user space at the caller's
 *	stride, so that callers built against an older or newer struct
 *	iokit_match_record both read theirs
 * @records: user pointer to the caller's array
 * @record_size: the caller's record size, checked by
 *	io_match_record_size_ok()
 * @recs: the records
 * @n: how many
 *
 * Return: 0, or -EFAULT.
 */
int io_match_records_copy_out(u64 records, u32 record_size,
			      const struct iokit_match_record *recs, u32 n)
{
	void __user *dst = u64_to_user_ptr(records);
	size_t common = min_t(size_t, record_size, sizeof(*recs));
	u32 i;

	if (record_size == sizeof(*recs))
		return copy_to_user(dst, recs, (size_t)n * sizeof(*recs)) ? -EFAULT : 0;
	for (i = 0; i < n; i++, dst += record_size) {
		if (copy_to_user(dst, &recs[i], common) ||
		    clear_user(dst + common, record_size - common))
			return -EFAULT;
	}
	return 0;
}

/**
 * io_match_record_size_ok() - whether a caller's record size is one we
 *	can write: no smaller than the first published record, 8-aligned
 * @record_size: the caller's sizeof(struct iokit_match_record)
 *
 * Return: true if it is.
 */
bool io_match_record_size_ok(u32 record_size)
{
	return record_size >= IOKIT_MATCH_RECORD_SIZE_VER0 &&
	       record_size <= IOKIT_MATCH_RECORD_SIZE_MAX && IS_ALIGNED(record_size, 8);
}

/**
 * io_match_ledger_cmd() - IOKIT_IOC_MATCH_LEDGER
 * @call: the ioctl
 * @arg: struct iokit_match_ledger
 *
 * Return: an IOReturn.
 */
u32 io_match_ledger_cmd(struct iokit_call *call, void *arg)
{
	struct iokit_match_ledger *ml = arg;
	u32 capacity = min_t(u32, ml->count, IOKIT_MATCH_LEDGER_MAX);
	struct iokit_match_record *out = NULL;
	struct io_ledger_record *l;
	u32 n = 0;

	if (!io_match_record_size_ok(ml->record_size) ||
	    strnlen(ml->personality, sizeof(ml->personality)) == sizeof(ml->personality))
		return IOKIT_RETURN_BAD_ARGUMENT;
	if (capacity) {
		out = kvmalloc_array(capacity, sizeof(*out), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!out)
			return IOKIT_RETURN_NO_MEMORY;
	}
	/* Copied out after the lock: a fault must not stall matching. */
	mutex_lock(&io_ledger_lock);
	list_for_each_entry(l, &io_ledger_lru, lru) {
		if (ml->entry_id && l->rec.entry_id != ml->entry_id)
			continue;
		if (ml->personality[0] && strcmp(ml->personality, l->rec.personality) &&
		    strcmp(ml->personality, l->rec.driver))
			continue;
		if (n < capacity)
			out[n] = l->rec;
		n++;
	}
	mutex_unlock(&io_ledger_lock);
	if (io_match_records_copy_out(ml->records, ml->record_size, out, min(n, capacity))) {
		kvfree(out);
		return IOKIT_RETURN_VM_ERROR;
	}
	kvfree(out);
	ml->count = n;
	return n > capacity ? IOKIT_RETURN_NO_SPACE : IOKIT_RETURN_SUCCESS;
}

/**
 * io_match_ledger_exit() - forget everything
 */
void io_match_ledger_exit(void)
{
	struct io_ledger_record *l, *next;

	mutex_lock(&io_ledger_lock);
	list_for_each_entry_safe(l, next, &io_ledger_lru, lru) {
		hash_del(&l->hash);
		kfree(l);
	}
	INIT_LIST_HEAD(&io_ledger_lru);
	io_ledger_count = 0;
	mutex_unlock(&io_ledger_lock);
}
