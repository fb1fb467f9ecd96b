/*
 * parse-floor: the parse-only floor for `baton validate`.
 *
 *     parse-floor DIR...
 *
 * Walks each DIR recursively (entries whose name starts with '.' are
 * skipped, as Baton skips hidden folders), and for every regular file named
 * *.yaml or *.yml reads the whole file into memory and runs libyaml's event
 * parser over it (yaml_parser_parse until YAML_STREAM_END_EVENT, deleting
 * each event).  Nothing is built from the events: this is the least work any
 * YAML-based loader has to do, so `baton validate` is measured against it.
 *
 * Prints the counts of files, documents, events, bytes and errors.  A file
 * that cannot be read or does not parse is counted as an error (reported on
 * stderr, the first few only) and the walk goes on.  Exit status: 0 when no
 * error was counted, 1 otherwise, 2 on bad usage.
 *
 * Build: gcc -O2 -o parse-floor parse-floor.c -lyaml
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

struct counts {
    unsigned long files, documents, events, errors;
    unsigned long long bytes;
};

static struct counts total;
static unsigned char *buf;
static size_t buf_cap;

#define MAX_REPORTED 10

static void report(const char *path, const char *what, unsigned long line,
                   unsigned long col)
{
    total.errors++;
    if (total.errors <= MAX_REPORTED)
        fprintf(stderr, "parse-floor: %s:%lu:%lu: %s\n", path, line, col, what);
    else if (total.errors == MAX_REPORTED + 1)
        fprintf(stderr, "parse-floor: more errors not shown\n");
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static long fail_read(int fd)
{
    int err = errno;
    close(fd);
    errno = err;
    return -1;
}

/* Read the whole file into buf; returns its length, or -1 with errno set. */
static long read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return fail_read(fd);
    size_t want = (size_t)st.st_size + 1;
    if (want > buf_cap) {
        size_t cap = buf_cap ? buf_cap : 65536;
        while (cap < want)
            cap *= 2;
        unsigned char *nb = realloc(buf, cap);
        if (!nb)
            return fail_read(fd);
        buf = nb;
        buf_cap = cap;
    }
    size_t len = 0;
    for (;;) {
        if (len == buf_cap) { /* file grew since fstat */
            unsigned char *nb = realloc(buf, buf_cap * 2);
            if (!nb)
                return fail_read(fd);
            buf = nb;
            buf_cap *= 2;
        }
        ssize_t r = read(fd, buf + len, buf_cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return fail_read(fd);
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    return (long)len;
}

static void parse_file(const char *path)
{
    long len = read_file(path);
    if (len < 0) {
        report(path, strerror(errno), 0, 0);
        return;
    }
    total.files++;
    total.bytes += (unsigned long long)len;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        report(path, "yaml_parser_initialize failed", 0, 0);
        return;
    }
    yaml_parser_set_input_string(&parser, buf, (size_t)len);
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            report(path, parser.problem ? parser.problem : "parse error",
                   (unsigned long)parser.problem_mark.line + 1,
                   (unsigned long)parser.problem_mark.column + 1);
            break;
        }
        total.events++;
        yaml_event_type_t type = event.type;
        if (type == YAML_DOCUMENT_START_EVENT)
            total.documents++;
        yaml_event_delete(&event);
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&parser);
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        report(dir, strerror(errno), 0, 0);
        return;
    }
    size_t dlen = strlen(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* also skips "." and ".." */
        size_t nlen = strlen(e->d_name);
        char *path = malloc(dlen + nlen + 2);
        if (!path) {
            report(dir, "out of memory", 0, 0);
            break;
        }
        memcpy(path, dir, dlen);
        path[dlen] = '/';
        memcpy(path + dlen + 1, e->d_name, nlen + 1);

        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN || type == DT_LNK) {
            struct stat st; /* follow symbolic links, like a plain open() */
            if (stat(path, &st) != 0)
                type = DT_UNKNOWN;
            else if (S_ISDIR(st.st_mode))
                type = type == DT_LNK ? DT_UNKNOWN : DT_DIR; /* no symlinked dirs: no loops */
            else if (S_ISREG(st.st_mode))
                type = DT_REG;
            else
                type = DT_UNKNOWN;
        }
        if (type == DT_DIR)
            walk(path);
        else if (type == DT_REG && has_yaml_suffix(e->d_name))
            parse_file(path);
        free(path);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fprintf(stderr, "usage: %s DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        while (n > 1 && argv[i][n - 1] == '/')
            argv[i][--n] = '\0';
        walk(argv[i]);
    }
    free(buf);
    printf("files %lu documents %lu events %lu bytes %llu errors %lu\n",
           total.files, total.documents, total.events, total.bytes, total.errors);
    return total.errors ? 1 : 0;
}
