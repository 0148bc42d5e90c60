// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_GET_FILE_RCU_PTR: get_file_rcu() takes the __rcu pointer and returns the file. */
#include <linux/fs.h>
#include <linux/mm_types.h>

struct file *iokit_probe(struct mm_struct *mm);
struct file *iokit_probe(struct mm_struct *mm)
{
	return get_file_rcu(&mm->exe_file);
}
