/*
 * The host: topology from hwloc, feature bits from CPUID, kernel from
 * uname, and a fingerprint id over the facts that identify the machine.
 */
#include <hwloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "../util/log.h"
#include "../util/util.h"
#include "bench.h"
#include "internal.h"

const char *const bench_mechanisms[] = {"fcall", "proc", "mpk", NULL};

static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* CPUID leaf 7: the features that matter to isolation. */
static void
read_cpuid(struct bench_host *h)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 7)
		return;
	__cpuid_count(7, 0, a, b, c, d);
	h->smep = (b >> 7) & 1;
	h->smap = (b >> 20) & 1;
	h->pku = (c >> 3) & 1;
	h->ospke = (c >> 4) & 1;
	h->cet_ss = (c >> 7) & 1;
	h->cet_ibt = (d >> 20) & 1;
#else
	(void)h;
#endif
}

static const char *
cache_type_name(hwloc_obj_cache_type_t t)
{
	switch (t) {
	case HWLOC_OBJ_CACHE_DATA:
		return "data";
	case HWLOC_OBJ_CACHE_INSTRUCTION:
		return "instr";
	default:
		return "unified";
	}
}

/* Group the caches by level, type and size; count each group. */
static void
read_caches(hwloc_topology_t topo, struct bench_host *h)
{
	for (hwloc_obj_type_t t = HWLOC_OBJ_L1CACHE; t <= HWLOC_OBJ_L3ICACHE;
	     t++) {
		hwloc_obj_t obj = NULL;

		if (!hwloc_obj_type_is_cache(t))
			continue;
		while ((obj = hwloc_get_next_obj_by_type(topo, t, obj))) {
			const char *type =
				cache_type_name(obj->attr->cache.type);
			int i;

			for (i = 0; i < h->ncaches; i++) {
				struct bench_cache *c = &h->caches[i];

				if (c->level == (int)obj->attr->cache.depth &&
				    strcmp(c->type, type) == 0 &&
				    c->size == obj->attr->cache.size)
					break;
			}
			if (i == h->ncaches) {
				if (h->ncaches == BENCH_MAX_CACHES)
					continue;
				h->ncaches++;
				h->caches[i].level =
					(int)obj->attr->cache.depth;
				copy_str(h->caches[i].type,
					 sizeof(h->caches[i].type), type);
				h->caches[i].size = obj->attr->cache.size;
			}
			h->caches[i].count++;
		}
	}
}

static int
info_int(hwloc_obj_t obj, const char *name)
{
	const char *v =
		obj != NULL ? hwloc_obj_get_info_by_name(obj, name) : NULL;

	return v != NULL ? atoi(v) : -1;
}

static void
read_topology(hwloc_topology_t topo, struct bench_host *h)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
	hwloc_obj_t node = NULL;
	const char *v;

	h->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	h->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	h->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	h->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	for (int i = 0; (node = hwloc_get_next_obj_by_type(
				 topo, HWLOC_OBJ_NUMANODE, node)) != NULL;
	     i++) {
		h->memory += node->attr->numanode.local_memory;
		if (i >= BENCH_MAX_NUMA)
			continue;
		h->numa[i].os_index = (int)node->os_index;
		h->numa[i].memory = node->attr->numanode.local_memory;
		hwloc_bitmap_list_snprintf(
			h->numa[i].cpus, sizeof(h->numa[i].cpus), node->cpuset);
	}

	/* The model lives on the package, or the root on some systems. */
	v = pkg != NULL ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
	if (v == NULL)
		v = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo),
					       "CPUModel");
	copy_str(h->cpu_model, sizeof(h->cpu_model), v ? v : "unknown");
	v = pkg != NULL ? hwloc_obj_get_info_by_name(pkg, "CPUVendor") : NULL;
	copy_str(h->cpu_vendor, sizeof(h->cpu_vendor), v ? v : "unknown");
	h->cpu_family = info_int(pkg, "CPUFamilyNumber");
	h->cpu_model_num = info_int(pkg, "CPUModelNumber");
	h->cpu_stepping = info_int(pkg, "CPUStepping");

	read_caches(topo, h);
}

/* FNV-1a, 64 bits: stable, dependency-free, good enough for an id. */
static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t x = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		x ^= (unsigned char)s[i];
		x *= 0x100000001b3ULL;
	}
	return x;
}

/*
 * The identifying fields, in a fixed order.  Memory size is left out on
 * purpose: it shifts with what firmware and the kernel reserve.
 */
static void
compute_id(struct bench_host *h)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "v1|%s|%s|%d|%d|%d|%d|%d|%d|%d|", h->cpu_vendor,
		h->cpu_model, h->cpu_family, h->cpu_model_num, h->cpu_stepping,
		h->packages, h->cores, h->pus, h->numa_nodes);
	for (int i = 0; i < h->ncaches; i++)
		sb_addf(&sb, "L%d%s:%llux%d|", h->caches[i].level,
			h->caches[i].type, h->caches[i].size,
			h->caches[i].count);
	for (int i = 0; i < h->numa_nodes && i < BENCH_MAX_NUMA; i++)
		sb_addf(&sb, "N%d:%s|", h->numa[i].os_index, h->numa[i].cpus);
	sb_addf(&sb, "%s|%s|%s|pku%d|ospke%d|smep%d|smap%d|ss%d|ibt%d", h->os,
		h->kernel, h->arch, h->pku, h->ospke, h->smep, h->smap,
		h->cet_ss, h->cet_ibt);
	snprintf(h->id, sizeof(h->id), "%016llx",
		 (unsigned long long)fnv1a(sb.buf, sb.len));
	sb_free(&sb);
}

int
bench_host_fingerprint(struct bench_host *host)
{
	hwloc_topology_t topo;
	struct utsname un;

	memset(host, 0, sizeof(*host));
	if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo)) {
		log_err("hwloc cannot read this host's topology");
		return FX_EXIT_ENV;
	}
	read_topology(topo, host);
	hwloc_topology_destroy(topo);

	if (uname(&un) == 0) {
		copy_str(host->os, sizeof(host->os), un.sysname);
		copy_str(host->kernel, sizeof(host->kernel), un.release);
		copy_str(host->arch, sizeof(host->arch), un.machine);
	}
	read_cpuid(host);
	compute_id(host);
	return FX_EXIT_OK;
}

int
bench_host_can_run(const struct bench_host *host, const char *mech)
{
	return bench_host_lacks(host, mech) == NULL;
}

const char *
bench_host_lacks(const struct bench_host *host, const char *mech)
{
	if (strcmp(mech, "none") == 0 || strcmp(mech, "fcall") == 0)
		return NULL;
	if (strcmp(mech, "proc") == 0)
		return strcmp(host->os, "Linux") == 0
			       ? NULL
			       : "proc needs Linux (seccomp, futexes)";
	if (strcmp(mech, "mpk") == 0) {
		if (!host->pku)
			return "the CPU has no protection keys";
		return host->ospke ? NULL
				   : "the OS did not enable protection keys";
	}
	return "flexexplore knows no such mechanism";
}

static void
json_key(struct strbuf *sb, const char *key)
{
	sb_add_json_string(sb, key);
	sb_addc(sb, ':');
}

void
bench_host_json(const struct bench_host *h, struct strbuf *sb)
{
	const struct {
		const char *name;
		int on;
	} feats[] = {
		{"pku", h->pku},       {"ospke", h->ospke},
		{"smep", h->smep},     {"smap", h->smap},
		{"cet_ss", h->cet_ss}, {"cet_ibt", h->cet_ibt},
	};

	sb_adds(sb, "{\"id\":");
	sb_add_json_string(sb, h->id);
	sb_adds(sb, ",\"cpu\":{\"vendor\":");
	sb_add_json_string(sb, h->cpu_vendor);
	sb_adds(sb, ",\"model\":");
	sb_add_json_string(sb, h->cpu_model);
	sb_addf(sb,
		",\"family\":%d,\"model_number\":%d,\"stepping\":%d,"
		"\"packages\":%d,\"cores\":%d,\"pus\":%d}",
		h->cpu_family, h->cpu_model_num, h->cpu_stepping, h->packages,
		h->cores, h->pus);
	sb_addf(sb, ",\"numa\":{\"nodes\":%d,\"memory\":%llu,\"node\":[",
		h->numa_nodes, h->memory);
	for (int i = 0; i < h->numa_nodes && i < BENCH_MAX_NUMA; i++)
		sb_addf(sb,
			"%s{\"os_index\":%d,\"cpus\":\"%s\",\"memory\":%llu}",
			i ? "," : "", h->numa[i].os_index, h->numa[i].cpus,
			h->numa[i].memory);
	sb_adds(sb, "]}");
	sb_adds(sb, ",\"caches\":[");
	for (int i = 0; i < h->ncaches; i++)
		sb_addf(sb,
			"%s{\"level\":%d,\"type\":\"%s\",\"size\":%llu,"
			"\"count\":%d}",
			i ? "," : "", h->caches[i].level, h->caches[i].type,
			h->caches[i].size, h->caches[i].count);
	sb_adds(sb, "],\"kernel\":{\"os\":");
	sb_add_json_string(sb, h->os);
	sb_adds(sb, ",\"release\":");
	sb_add_json_string(sb, h->kernel);
	sb_adds(sb, ",\"arch\":");
	sb_add_json_string(sb, h->arch);
	sb_adds(sb, "},\"features\":{");
	for (size_t i = 0; i < FX_ARRAY_LEN(feats); i++) {
		json_key(sb, feats[i].name);
		sb_addf(sb, "%s%s", feats[i].on ? "true" : "false",
			i + 1 < FX_ARRAY_LEN(feats) ? "," : "");
	}
	sb_adds(sb, "},\"mechanisms\":[");
	for (int i = 0, n = 0; bench_mechanisms[i] != NULL; i++) {
		if (!bench_host_can_run(h, bench_mechanisms[i]))
			continue;
		sb_adds(sb, n++ ? "," : "");
		sb_add_json_string(sb, bench_mechanisms[i]);
	}
	sb_adds(sb, "]}");
}

static void
add_size(struct strbuf *sb, unsigned long long bytes)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 20) == 0)
		sb_addf(sb, "%.1f GiB", (double)bytes / (1 << 30));
	else if (bytes >= (1ULL << 20))
		sb_addf(sb, "%llu MiB", bytes >> 20);
	else
		sb_addf(sb, "%llu KiB", bytes >> 10);
}

void
bench_host_text(const struct bench_host *h, struct strbuf *sb)
{
	sb_addf(sb, "fingerprint: %s\n", h->id);
	sb_addf(sb, "cpu:         %s (%s, family %d model %d stepping %d)\n",
		h->cpu_model, h->cpu_vendor, h->cpu_family, h->cpu_model_num,
		h->cpu_stepping);
	sb_addf(sb, "topology:    %d package(s), %d core(s), %d PU(s)\n",
		h->packages, h->cores, h->pus);
	sb_addf(sb, "numa:        %d node(s), ", h->numa_nodes);
	add_size(sb, h->memory);
	sb_adds(sb, "\n");
	for (int i = 0; i < h->numa_nodes && i < BENCH_MAX_NUMA; i++) {
		sb_addf(sb, "  node %d:   PUs %s, ", h->numa[i].os_index,
			h->numa[i].cpus);
		add_size(sb, h->numa[i].memory);
		sb_adds(sb, "\n");
	}
	for (int i = 0; i < h->ncaches; i++) {
		sb_addf(sb, "cache:       L%d %-7s ", h->caches[i].level,
			h->caches[i].type);
		add_size(sb, h->caches[i].size);
		sb_addf(sb, " x%d\n", h->caches[i].count);
	}
	sb_addf(sb, "kernel:      %s %s %s\n", h->os, h->kernel, h->arch);
	sb_addf(sb,
		"features:    pku=%s ospke=%s smep=%s smap=%s cet-ss=%s "
		"cet-ibt=%s\n",
		h->pku ? "yes" : "no", h->ospke ? "yes" : "no",
		h->smep ? "yes" : "no", h->smap ? "yes" : "no",
		h->cet_ss ? "yes" : "no", h->cet_ibt ? "yes" : "no");
	sb_adds(sb, "mechanisms: ");
	for (int i = 0; bench_mechanisms[i] != NULL; i++)
		if (bench_host_can_run(h, bench_mechanisms[i]))
			sb_addf(sb, " %s", bench_mechanisms[i]);
	sb_adds(sb, "\n");
	if (!bench_host_can_run(h, "mpk"))
		sb_addf(sb, "             (no mpk: %s)\n",
			bench_host_lacks(h, "mpk"));
}
