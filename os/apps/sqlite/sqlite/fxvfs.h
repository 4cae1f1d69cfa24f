/*
 * fxvfs: a SQLite VFS that keeps every file SQLite opens in the OS's vfs
 * (internal to the sqlite component).
 */
#ifndef FXVFS_H
#define FXVFS_H

#define FXVFS_NAME "fxvfs"

/** Register the VFS under FXVFS_NAME; returns a SQLite result code. */
int fxvfs_register(void);

#endif /* FXVFS_H */
