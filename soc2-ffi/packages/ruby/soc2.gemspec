# frozen_string_literal: true

# The `soc2` gem: soc2's uniffi bindings for Ruby with the native library for the platform it
# is built on. Built by scripts/build-packages.sh, which stages this file, lib/soc2.rb, the
# generated lib/soc2/soc2_ffi.rb and lib/soc2/libsoc2_ffi.so (or .dylib) in a directory and
# runs `gem build` there, with SOC2_VERSION set to the workspace's version.

Gem::Specification.new do |s|
  s.name = 'soc2'
  s.version = ENV.fetch('SOC2_VERSION')
  s.summary = 'Record SOC 2 evidence, evaluate controls and export signed bundles an auditor can verify.'
  s.description = <<~TEXT
    Ruby bindings of soc2-core (through uniffi): typed evidence models, the hash-chained
    evidence locker, evaluation of controls over an audit period, readiness reports, and
    signed evidence bundles that an auditor verifies with stock tools.
  TEXT
  s.authors = ['The soc2 authors']
  s.homepage = 'https://github.com/soc2-rs/soc2'
  s.licenses = ['Apache-2.0', 'MIT']
  s.metadata = { 'source_code_uri' => 'https://github.com/soc2-rs/soc2' }
  # The native library inside is built for this machine's platform (e.g. x86_64-linux).
  s.platform = Gem::Platform.local
  s.required_ruby_version = '>= 2.7'
  s.add_dependency 'ffi', '~> 1.15'
  s.files = Dir['lib/**/*'] + %w[LICENSE-APACHE LICENSE-MIT README.md]
  s.require_paths = ['lib']
end
