#!/usr/bin/env python3
"""The option lists of xlvs's programs, three ways, and whether they agree.

    man_options.py code PROG            options PROG's parser takes
    man_options.py help PROG            options PROG --help shows
    man_options.py man PROG             options man/PROG.8 describes
    man_options.py check [PROG...]      all three equal, for every program

--root DIR: the source tree (default: this file's ../..); --bin DIR: the
programs (default ROOT/build/bin); --no-help: compare the code and the
page only (a tree without a build).

What counts as an option:
  code  the parser's own source, comments removed: each struct option entry
        `{ "NAME", no_argument|required_argument|optional_argument, ... }`
        (but one whose value is LONG_UNSUPPORTED: ipvsadm's options xlvsadm
        refuses by name) as --NAME; each letter of a getopt()/getopt_long()
        option string (less those in `unsupported_short[]`); every string
        literal "--NAME" (hand-written parsers compare words with them); and
        in a file without an option string, hand-written short options:
        `case 'X':` and the literal "-X".
  help  every -X and --NAME word of the --help output.
  man   every `Fl` of an `.It` line (or of an `.It Xo` ... `.Xc` item): the
        options the page lists, one item each.  An option only mentioned in
        running text is not counted.
Each is a set of "-X" and "--NAME" strings.
"""
import argparse
import os
import re
import subprocess
import sys

# Where each program parses its command line.
PARSERS = {
    "xlvsadm": ["xlvsadm/options.c"],
    "xlvs-healthd": ["healthd/cli.c"],
    "xlvs-failoverd": ["failoverd/cli.c"],
    "xlvs-realserver": ["realserver/options.c", "realserver/main.c"],
    "xlvs-exporter": ["exporter/cli.c"],
}
SECTION = {p: "8" for p in PARSERS}


def strip_comments(src):
    # Keep string literals (a "//" inside one is not a comment).
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


LONG_ENTRY = re.compile(
    r'\{\s*"([A-Za-z0-9][\w-]*)"\s*,\s*(?:no|required|optional)_argument\s*,'
    r'\s*[^,]+,\s*([^}\s]+)\s*\}')
OPTSTRING = re.compile(
    r'\bgetopt(?:_long)?\s*\(\s*\w+\s*,\s*\w+\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')
UNSUP_SHORT = re.compile(r'unsupported_short\s*\[\s*\]\s*=\s*"([^"]*)"')
LONG_LITERAL = re.compile(r'"(--[A-Za-z][\w-]*)"')
SHORT_CASE = re.compile(r"\bcase\s+'([A-Za-z0-9?])'\s*:")
SHORT_LITERAL = re.compile(r'"-([A-Za-z0-9?])"')


def code_options(root, prog):
    opts = set()
    for rel in PARSERS[prog]:
        with open(os.path.join(root, rel)) as f:
            src = strip_comments(f.read())
        for name, val in LONG_ENTRY.findall(src):
            if val != "LONG_UNSUPPORTED":
                opts.add("--" + name)
        unsup = "".join(UNSUP_SHORT.findall(src))
        strings = OPTSTRING.findall(src)
        for s in strings:
            letters = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s))
            for ch in letters:
                if ch.isalnum() and ch not in unsup:
                    opts.add("-" + ch)
        opts.update(LONG_LITERAL.findall(src))
        if not strings:
            opts.update("-" + c for c in SHORT_CASE.findall(src))
            opts.update("-" + c for c in SHORT_LITERAL.findall(src))
    return opts


HELP_WORD = re.compile(r'(?<![\w-])(--[A-Za-z][\w-]*|-[A-Za-z0-9?])(?![\w])')


def help_options(binary):
    r = subprocess.run([binary, "--help"], capture_output=True, text=True,
                       timeout=20)
    if r.returncode != 0:
        raise SystemExit(f"{binary} --help: exit {r.returncode}: {r.stderr.strip()}")
    return set(HELP_WORD.findall(r.stdout))


def man_options(page):
    opts, in_xo = set(), False
    with open(page) as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == ".It":
                in_xo = len(words) > 1 and words[1] == "Xo"
            elif not in_xo:
                continue
            elif words[0] == ".Xc":
                in_xo = False
                continue
            for i, w in enumerate(words[:-1]):
                if w in ("Fl", ".Fl"):
                    opts.add("-" + words[i + 1])
    return opts


def show(opts):
    return " ".join(sorted(opts, key=lambda o: (o.lstrip("-").lower(), o)))


def check(root, bindir, progs, with_help):
    ok = True
    for prog in progs:
        code = code_options(root, prog)
        page = os.path.join(root, "man", f"{prog}.{SECTION[prog]}")
        others = {}
        if not os.path.exists(page):
            print(f"{prog}: no man page {page}")
            ok = False
        else:
            others[f"man/{prog}.{SECTION[prog]}"] = man_options(page)
        if with_help:
            others[f"{prog} --help"] = help_options(os.path.join(bindir, prog))
        for what, got in others.items():
            if got == code:
                continue
            ok = False
            if code - got:
                print(f"{prog}: parsed by the code but not in {what}: {show(code - got)}")
            if got - code:
                print(f"{prog}: in {what} but not parsed by the code: {show(got - code)}")
        if ok:
            print(f"{prog}: {len(code)} options, the same in the code, "
                  + " and ".join(others))
    return ok


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "../..")))
    ap.add_argument("--bin")
    ap.add_argument("--no-help", action="store_true")
    ap.add_argument("what", choices=["code", "help", "man", "check"])
    ap.add_argument("progs", nargs="*")
    a = ap.parse_args()
    bindir = a.bin or os.path.join(a.root, "build", "bin")
    progs = a.progs or list(PARSERS)
    for p in progs:
        if p not in PARSERS:
            raise SystemExit(f"unknown program {p} (one of {', '.join(PARSERS)})")
    if a.what == "check":
        return 0 if check(a.root, bindir, progs, not a.no_help) else 1
    for p in progs:
        if a.what == "code":
            got = code_options(a.root, p)
        elif a.what == "help":
            got = help_options(os.path.join(bindir, p))
        else:
            got = man_options(os.path.join(a.root, "man", f"{p}.{SECTION[p]}"))
        print(f"{p}: {show(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
