// hooks.go: a checkpoint behind a project's own wrapper, found only with --pattern.
package hooks

func Sync() {
	inject.Point("go_after_sync")
}
