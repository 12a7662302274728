# bash completion of cchc(1): commands, subcommands, options, the values an
# option takes (--to, --format, --kind, --rank, ...) and the unit and
# procedure codes of the catalogs ($CCHC_CATALOG_DIR or --catalog-dir, else
# the demo catalogs built in). The words go to `cchc __complete`, which
# knows the tool's own tables; this only passes them on.
_cchc()
{
    local IFS=$'\n' cur=${COMP_WORDS[COMP_CWORD]}
    local -a reply
    reply=($("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
    if [[ ${reply[0]-} == __files__ ]]; then
        [[ $cur == = ]] && cur=
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
        return 0
    fi
    COMPREPLY=("${reply[@]}")
    # "--unit=" waits for its value: no space after it.
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _cchc cchc
