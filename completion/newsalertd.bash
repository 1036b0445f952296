# bash completion for newsalertd(8)
_newsalertd() {
  local cur prev words cword
  _init_completion || return

  local commands="run check parse extract match replay status deliveries cluster notify-test"
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      run|check|parse|extract|match|replay|status|deliveries|cluster|notify-test) command="${words[i]}"; break ;;
    esac
  done

  case "$prev" in
    -c|--config)
      _filedir '@(yaml|yml)'
      return ;;
    -l|--log-level)
      COMPREPLY=($(compgen -W "trace debug info warn error" -- "$cur"))
      return ;;
    --log-format)
      COMPREPLY=($(compgen -W "text json journal" -- "$cur"))
      return ;;
  esac

  if [[ "$cur" == -* ]]; then
    local options="--config --log-level --log-format --help --version"
    [[ "$command" == status || "$command" == replay ]] && options+=" --json"
    [[ "$command" == run || -z "$command" ]] && options+=" --init-state"
    [[ "$command" == parse || "$command" == extract ]] && options+=" --base-url"
    [[ "$command" == parse ]] && options+=" --content-type"
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    return
  fi
  case "$command" in
    "") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    parse|extract|match|replay) _filedir ;;
    deliveries) [[ $cword -eq $((i + 1)) ]] && COMPREPLY=($(compgen -W "list retry purge" -- "$cur")) ;;
    cluster) if [[ $cword -eq $((i + 1)) ]]; then COMPREPLY=($(compgen -W "import" -- "$cur")); else _filedir -d; fi ;;
  esac
}
complete -F _newsalertd newsalertd
