# A stand-in for Homebrew's Formula DSL: runs the formula's install block in an extracted archive
# and checks that every file it names exists. (Not Homebrew: no real brew here.)
class Dest
  def initialize(name) = @name = name
  def install(*args)
    args.each do |a|
      (a.is_a?(Hash) ? a.keys : Array(a)).flatten.each do |f|
        raise "#{@name}: #{f} missing" unless File.exist?(f)
        puts "#{@name} <- #{f}#{a.is_a?(Hash) ? " as #{a[f]}" : ''}"
      end
    end
  end
end
class Formula
  %i[desc homepage license url sha256].each { |m| define_singleton_method(m) { |*_a, **_k| nil } }
  def self.version(v = nil) = v ? (@version = v) : @version
  def self.on_macos = yield
  def self.on_linux = yield
  def self.on_arm = yield
  def self.on_intel = yield
  def self.test = nil
  %i[bin man1 bash_completion zsh_completion fish_completion doc].each { |m| define_method(m) { Dest.new(m) } }
end
load ARGV[0]
Authcli.new.install
puts "version #{Authcli.version}; install ok"
