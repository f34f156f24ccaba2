-- KumoMTA's shipped default policy (assets/init.lua), loaded as a module
-- from ../shared/kumomta so it is never copied into this repository.
require 'init'
